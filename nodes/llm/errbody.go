package llm

import (
	"bytes"
	"encoding/json"
	"html"
	"regexp"
	"strings"
	"unicode/utf8"
)

// errBody holds what an error body says, whatever its shape.
type errBody struct {
	// Code, Type and Param are the structured fields; a number is kept as
	// its digits.
	Code, Type, Param string
	// InnerCode is Azure's innererror.code, a finer reason than Code.
	InnerCode string
	// Message is the human text: the message field, a plain string error,
	// an HTML page's title, or the first line of a text body.
	Message string
}

// maxMessage caps the length of a message quoted in an error.
const maxMessage = 400

// parseErrorBody reads an error body in the shapes servers are known to
// send: {"error":{...}}, {"error":"text"}, [{"error":{...}}], a top-level
// {"message":..., "code":...}, FastAPI's {"detail":...}, an HTML page from a
// proxy, plain text, or nothing at all. It never fails: what it cannot read
// stays empty.
func parseErrorBody(body []byte) errBody {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return errBody{}
	}
	var eb errBody
	switch body[0] {
	case '{':
		eb = parseObject(body)
	case '[':
		var list []json.RawMessage
		if json.Unmarshal(body, &list) == nil && len(list) > 0 {
			return parseErrorBody(list[0])
		}
	case '<':
		eb.Message = htmlTitle(body)
	default:
		line, _, _ := strings.Cut(string(body), "\n")
		eb.Message = line
	}
	eb.Message = clip(strings.TrimSpace(eb.Message))
	return eb
}

// parseObject reads a JSON object error body.
func parseObject(body []byte) errBody {
	var top map[string]json.RawMessage
	if json.Unmarshal(body, &top) != nil {
		return errBody{Message: firstLine(body)}
	}
	if raw, ok := top["error"]; ok {
		if s, ok := jsonString(raw); ok {
			return errBody{Message: s}
		}
		var inner map[string]json.RawMessage
		if json.Unmarshal(raw, &inner) == nil {
			return fields(inner)
		}
	}
	if raw, ok := top["detail"]; ok {
		return parseDetail(raw)
	}
	// Some servers put the fields at the top level. A top-level "type" of
	// "error" is only an envelope marker, not a reason.
	eb := fields(top)
	if eb.Type == "error" {
		eb.Type = ""
	}
	return eb
}

// fields reads the structured fields of one error object.
func fields(m map[string]json.RawMessage) errBody {
	eb := errBody{
		Code:    scalar(m["code"]),
		Type:    scalar(m["type"]),
		Param:   scalar(m["param"]),
		Message: scalar(m["message"]),
	}
	var inner struct {
		Code json.RawMessage `json:"code"`
	}
	if raw, ok := m["innererror"]; ok && json.Unmarshal(raw, &inner) == nil {
		eb.InnerCode = scalar(inner.Code)
	}
	return eb
}

// parseDetail reads FastAPI's detail: a string, or a list of validation
// failures whose loc path names the field at fault, used as the param.
func parseDetail(raw json.RawMessage) errBody {
	if s, ok := jsonString(raw); ok {
		return errBody{Message: s}
	}
	var list []struct {
		Loc  []json.RawMessage `json:"loc"`
		Msg  string            `json:"msg"`
		Type string            `json:"type"`
	}
	if json.Unmarshal(raw, &list) != nil || len(list) == 0 {
		return errBody{}
	}
	var path []string
	for _, part := range list[0].Loc {
		if s := scalar(part); s != "" && s != "body" {
			path = append(path, s)
		}
	}
	return errBody{Param: strings.Join(path, "."), Type: list[0].Type, Message: list[0].Msg}
}

// scalar returns a JSON string's text or a number's digits; anything else,
// null included, gives "".
func scalar(raw json.RawMessage) string {
	if s, ok := jsonString(raw); ok {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

func jsonString(raw json.RawMessage) (string, bool) {
	var s string
	if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

var (
	titleRE = regexp.MustCompile(`(?is)<title[^>]*>(.*?)</title>`)
	h1RE    = regexp.MustCompile(`(?is)<h1[^>]*>(.*?)</h1>`)
	tagRE   = regexp.MustCompile(`(?s)<[^>]*>`)
)

// htmlTitle returns the title of an HTML page, or its first heading.
func htmlTitle(body []byte) string {
	for _, re := range []*regexp.Regexp{titleRE, h1RE} {
		if m := re.FindSubmatch(body); m != nil {
			text := tagRE.ReplaceAllString(string(m[1]), "")
			return strings.Join(strings.Fields(html.UnescapeString(text)), " ")
		}
	}
	return "an HTML page"
}

func firstLine(body []byte) string {
	line, _, _ := bytes.Cut(body, []byte("\n"))
	return string(line)
}

// clip shortens s to maxMessage bytes on a rune boundary.
func clip(s string) string {
	if len(s) <= maxMessage {
		return s
	}
	cut := maxMessage
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
