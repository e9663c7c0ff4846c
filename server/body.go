package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"
)

// bodyShape says in words what a request body holds, for the messages that
// refuse one.
type bodyShape struct {
	// example is a body that would do.
	example string
	// fields are the body's fields, in the order messages list them.
	fields []bodyField
}

// bodyField is a field of a request body and what it takes.
type bodyField struct {
	name, takes string
}

// startShape is the shape of a [StartRequest], as docs/openapi.yaml
// describes it.
var startShape = bodyShape{
	example: `{"input": {"name": "ada"}, "thread": "t1"}`,
	fields: []bodyField{
		{"input", "an object of state fields by name (GET /v1/graphs lists a graph's inputs)"},
		{"thread", "a string of 1 to 128 letters, digits, '.', '_' or '-'; " +
			"leave it out for a random one"},
	},
}

// object describes the object the body should be.
func (b bodyShape) object() string {
	names := make([]string, len(b.fields))
	for i, f := range b.fields {
		names[i] = f.name
	}
	return fmt.Sprintf("a JSON object with the optional fields %s, such as %s",
		strings.Join(names, " and "), b.example)
}

// field returns what the field called name takes.
func (b bodyShape) field(name string) (string, bool) {
	for _, f := range b.fields {
		if f.name == name {
			return f.takes, true
		}
	}
	return "", false
}

// decodeBody reads the JSON object a request carries into v, a body of
// the given shape, answering 413 or 400 when it cannot. An empty body
// leaves v as it is.
func (s *Server) decodeBody(w http.ResponseWriter, r *http.Request, v any,
	shape bodyShape) bool {
	data, err := io.ReadAll(r.Body)
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		writeError(w, http.StatusRequestEntityTooLarge, CodeTooLarge,
			fmt.Sprintf("the body is larger than %d bytes; send a smaller input", tooLarge.Limit))
		return false
	case err != nil:
		s.cfg.Logger.Warn("read request body failed", "error", err.Error())
		writeError(w, http.StatusBadRequest, CodeBadJSON,
			"the body could not be read to its end; send it again")
		return false
	}
	msg := bodyProblem(data, v, shape)
	if msg == "" {
		return true
	}
	writeError(w, http.StatusBadRequest, CodeBadJSON, msg)
	return false
}

// bodyProblem decodes data into v and returns, when it cannot, what is
// wrong with data and how to put it right; "" when v holds data.
func bodyProblem(data []byte, v any, shape bodyShape) string {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.More() {
		next := skipSpace(data, int(dec.InputOffset()))
		return fmt.Sprintf("the body goes on after its JSON object, at %s; send just %s",
			position(data, next), shape.object())
	}

	var (
		syntax   *json.SyntaxError
		mismatch *json.UnmarshalTypeError
	)
	switch {
	case err == nil, errors.Is(err, io.EOF): // an empty body
		return ""
	case errors.As(err, &syntax):
		at := max(int(syntax.Offset)-1, 0)
		c, _ := utf8.DecodeRune(data[at:])
		return fmt.Sprintf("the body is not valid JSON: unexpected %q at %s; send %s",
			c, position(data, at), shape.object())
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Sprintf("the body ends at %s before its JSON is complete: close every "+
			"string, array and object; send %s", position(data, len(data)), shape.object())
	case errors.As(err, &mismatch) && mismatch.Field == "":
		return fmt.Sprintf("the body is %s, not an object: send %s",
			jsonKind(mismatch.Value), shape.object())
	case errors.As(err, &mismatch):
		name, _, _ := strings.Cut(mismatch.Field, ".")
		takes, ok := shape.field(name)
		if !ok {
			takes = "a value of another kind"
		}
		at := valueStart(data, int(mismatch.Offset))
		return fmt.Sprintf("field %s, at %s, is %s: it takes %s",
			mismatch.Field, position(data, at), jsonKind(mismatch.Value), takes)
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return fmt.Sprintf("the body has an unknown field %s: send %s", name, shape.object())
	}
	return fmt.Sprintf("the body is not %s", shape.object())
}

// jsonKind names, with its article, the kind of JSON value that the
// decoder calls kind.
func jsonKind(kind string) string {
	kind, _, _ = strings.Cut(kind, " ") // "number 1.5" is a number
	switch kind {
	case "array", "object":
		return "an " + kind
	case "bool":
		return "a boolean"
	case "":
		return "a value"
	}
	return "a " + kind
}

// valueStart returns the offset of the value the decoder reported at end:
// the decoder reports the end of a scalar and the byte after the bracket
// that opens an array or object.
func valueStart(data []byte, end int) int {
	end = min(max(end, 0), len(data))
	if end > 0 && (data[end-1] == '[' || data[end-1] == '{') {
		return end - 1
	}
	// Walk back over the scalar to the colon, comma or bracket before it.
	i := end
	for i > 0 && !strings.ContainsRune(":,[{", rune(data[i-1])) {
		i--
	}
	return skipSpace(data, i)
}

// skipSpace returns the offset of the first byte at or after i that is not
// JSON white space.
func skipSpace(data []byte, i int) int {
	for i < len(data) && strings.ContainsRune(" \t\r\n", rune(data[i])) {
		i++
	}
	return i
}

// position names the byte at offset in data as "line L, column C", both
// counted from 1, columns in characters.
func position(data []byte, offset int) string {
	offset = min(max(offset, 0), len(data))
	before := data[:offset]
	line := bytes.Count(before, []byte("\n")) + 1
	col := utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:]) + 1
	return fmt.Sprintf("line %d, column %d", line, col)
}
