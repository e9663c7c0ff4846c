// Package content turns course documents into text a question generator can
// use, and cuts that text into chunks.
//
// [Load] and [Parse] read a document in one of four formats (plain text,
// Markdown, HTML or XHTML, and PDF), detect the format from the content as
// well as the file name, and return a [Document] whose Text is clean prose:
// paragraphs separated by blank lines, headings written as Markdown "#"
// lines and code kept inside ``` fences. A document that cannot be used
// (empty, binary, not UTF-8, an encrypted or image-only PDF, too large)
// fails with a [*DocumentError] that names the file, says what is wrong and
// what to do, and matches one of the sentinel errors with [errors.Is].
//
// [Split] cuts a document into [Chunk] values that follow its headings and
// paragraphs and fit a token budget; [SplitChunk] cuts one chunk further
// when a model finds it too long. Chunk ids are derived from the document's
// name and the chunk's text, so the same input gives the same ids on every
// run. [KeyTerms] lists the document's own vocabulary, glossary first, for
// generators that need plausible wrong answers.
//
// Everything in the package is safe for concurrent use; values it returns
// are owned by the caller.
package content
