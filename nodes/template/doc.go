// Package template is the offline question generator: it makes gap-fill
// (cloze) multiple-choice questions from a chunk of course text without a
// model or a network, so a workflow still produces questions when every
// model is down.
//
// [Generate] picks informative sentences of the chunk (prose of a fair
// length that contains one of the document's key terms), blanks the term
// out, and offers it among three distractors drawn from the document's
// other key terms, glossary terms first, then from the chunk's own words.
// A sentence too long for a stem, as legal texts write them, is cut at its
// semicolons, colons or commas into pieces marked with an ellipsis, and
// the explanation quotes it whole. Notes on a text's source and licence
// are left out.
// The output depends only on its arguments: the same chunk, terms and seed
// give the same questions. Generate is safe for concurrent use.
package template
