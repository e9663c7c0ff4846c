package quiz

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"time"

	"github.com/graphrun/graphrun/nodes/mcq"
)

// QTI 1.2 as Canvas imports it: a zip holding imsmanifest.xml and one
// assessment file that lists the questions as items.
type (
	qtiDoc struct {
		XMLName    xml.Name      `xml:"questestinterop"`
		Xmlns      string        `xml:"xmlns,attr"`
		Assessment qtiAssessment `xml:"assessment"`
	}
	qtiAssessment struct {
		Ident   string     `xml:"ident,attr"`
		Title   string     `xml:"title,attr"`
		Section qtiSection `xml:"section"`
	}
	qtiSection struct {
		Ident string    `xml:"ident,attr"`
		Items []qtiItem `xml:"item"`
	}
	qtiItem struct {
		Ident        string         `xml:"ident,attr"`
		Title        string         `xml:"title,attr"`
		Metadata     []qtiField     `xml:"itemmetadata>qtimetadata>qtimetadatafield"`
		Material     qtiMaterial    `xml:"presentation>material"`
		Response     qtiResponse    `xml:"presentation>response_lid"`
		Outcome      qtiDecvar      `xml:"resprocessing>outcomes>decvar"`
		Conditions   []qtiCondition `xml:"resprocessing>respcondition"`
		ItemFeedback []qtiFeedback  `xml:"itemfeedback,omitempty"`
	}
	qtiField struct {
		Label string `xml:"fieldlabel"`
		Entry string `xml:"fieldentry"`
	}
	qtiMaterial struct {
		Text qtiMattext `xml:"mattext"`
	}
	qtiMattext struct {
		Type string `xml:"texttype,attr"`
		Text string `xml:",chardata"`
	}
	qtiResponse struct {
		Ident       string     `xml:"ident,attr"`
		Cardinality string     `xml:"rcardinality,attr"`
		Labels      []qtiLabel `xml:"render_choice>response_label"`
	}
	qtiLabel struct {
		Ident    string      `xml:"ident,attr"`
		Material qtiMaterial `xml:"material"`
	}
	qtiDecvar struct {
		MaxValue string `xml:"maxvalue,attr"`
		MinValue string `xml:"minvalue,attr"`
		VarName  string `xml:"varname,attr"`
		VarType  string `xml:"vartype,attr"`
	}
	qtiCondition struct {
		Continue string       `xml:"continue,attr"`
		Other    *struct{}    `xml:"conditionvar>other,omitempty"`
		VarEqual *qtiVarEqual `xml:"conditionvar>varequal,omitempty"`
		SetVar   *qtiSetVar   `xml:"setvar,omitempty"`
		Display  *qtiDisplay  `xml:"displayfeedback,omitempty"`
	}
	qtiVarEqual struct {
		RespIdent string `xml:"respident,attr"`
		Value     string `xml:",chardata"`
	}
	qtiSetVar struct {
		Action  string `xml:"action,attr"`
		VarName string `xml:"varname,attr"`
		Value   string `xml:",chardata"`
	}
	qtiDisplay struct {
		Type    string `xml:"feedbacktype,attr"`
		LinkRef string `xml:"linkrefid,attr"`
	}
	qtiFeedback struct {
		Ident    string      `xml:"ident,attr"`
		Material qtiMaterial `xml:"flow_mat>material"`
	}
)

// The manifest that tells Canvas where the assessment is.
type (
	qtiManifest struct {
		XMLName    xml.Name      `xml:"manifest"`
		Identifier string        `xml:"identifier,attr"`
		Xmlns      string        `xml:"xmlns,attr"`
		Schema     string        `xml:"metadata>schema"`
		Version    string        `xml:"metadata>schemaversion"`
		Orgs       struct{}      `xml:"organizations"`
		Resources  []qtiResource `xml:"resources>resource"`
	}
	qtiResource struct {
		Identifier string `xml:"identifier,attr"`
		Type       string `xml:"type,attr"`
		File       struct {
			Href string `xml:"href,attr"`
		} `xml:"file"`
	}
)

const (
	qtiNamespace      = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
	manifestNamespace = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
)

// exportQTI writes a zip with imsmanifest.xml and the assessment at
// <id>/<id>.xml, where id is derived from the quiz name. Entries carry no
// timestamp, so the same quiz gives the same bytes.
func exportQTI(buf *bytes.Buffer, quizName string, qs []mcq.Question) error {
	sum := sha256.Sum256([]byte(quizName))
	id := "g" + hex.EncodeToString(sum[:12])
	assessment, err := qtiAssessmentXML(id, quizName, qs)
	if err != nil {
		return err
	}
	manifest, err := qtiManifestXML(id)
	if err != nil {
		return err
	}

	zw := zip.NewWriter(buf)
	files := []struct {
		name string
		data []byte
	}{{"imsmanifest.xml", manifest}, {id + "/" + id + ".xml", assessment}}
	for _, f := range files {
		// A fixed, valid date keeps the package the same on every export.
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate,
			Modified: qtiDate})
		if err != nil {
			return err
		}
		if _, err := w.Write(f.data); err != nil {
			return err
		}
	}
	return zw.Close()
}

func qtiManifestXML(id string) ([]byte, error) {
	m := qtiManifest{
		Identifier: id + "_manifest", Xmlns: manifestNamespace,
		Schema: "IMS Content", Version: "1.1.3",
		Resources: []qtiResource{{Identifier: id, Type: "imsqti_xmlv1p2"}},
	}
	m.Resources[0].File.Href = id + "/" + id + ".xml"
	return marshalXML(m)
}

func qtiAssessmentXML(id, quizName string, qs []mcq.Question) ([]byte, error) {
	doc := qtiDoc{Xmlns: qtiNamespace, Assessment: qtiAssessment{
		Ident: id, Title: quizName, Section: qtiSection{Ident: "root_section"},
	}}
	for i, q := range qs {
		doc.Assessment.Section.Items = append(doc.Assessment.Section.Items, qtiQuestion(i, q))
	}
	return marshalXML(doc)
}

func qtiQuestion(i int, q mcq.Question) qtiItem {
	ident := "q" + questionID(q)
	html := func(s string) qtiMaterial {
		return qtiMaterial{Text: qtiMattext{Type: "text/html", Text: htmlText.Replace(s)}}
	}
	item := qtiItem{
		Ident: ident,
		Title: fmt.Sprintf("Question %d", i+1),
		Metadata: []qtiField{
			{Label: "question_type", Entry: "multiple_choice_question"},
			{Label: "points_possible", Entry: "1.0"},
		},
		Material: html(q.Stem),
		Response: qtiResponse{Ident: "response1", Cardinality: "Single"},
		Outcome:  qtiDecvar{MaxValue: "100", MinValue: "0", VarName: "SCORE", VarType: "Decimal"},
	}
	for j, o := range q.Options {
		item.Response.Labels = append(item.Response.Labels, qtiLabel{
			Ident:    fmt.Sprintf("%s_%d", ident, j),
			Material: qtiMaterial{Text: qtiMattext{Type: "text/plain", Text: o}},
		})
	}
	if q.Explanation != "" {
		item.Conditions = append(item.Conditions, qtiCondition{
			Continue: "Yes", Other: &struct{}{},
			Display: &qtiDisplay{Type: "Response", LinkRef: "general_fb"},
		})
		item.ItemFeedback = []qtiFeedback{{Ident: "general_fb", Material: html(q.Explanation)}}
	}
	item.Conditions = append(item.Conditions, qtiCondition{
		Continue: "No",
		VarEqual: &qtiVarEqual{RespIdent: "response1", Value: fmt.Sprintf("%s_%d", ident, q.Answer)},
		SetVar:   &qtiSetVar{Action: "Set", VarName: "SCORE", Value: "100"},
	})
	return item
}

func marshalXML(v any) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	buf.WriteString("\n")
	return buf.Bytes(), nil
}

// qtiDate is the modification time written for every file of a QTI
// package.
var qtiDate = time.Date(2000, time.January, 1, 0, 0, 0, 0, time.UTC)
