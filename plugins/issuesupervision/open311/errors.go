package open311

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"strings"
)

// Error is one error of an error response. Code usually repeats the HTTP status (403 for a
// missing or wrong api_key, 404 for what does not exist, 400 for the rest) but may be more
// specific; Description is meant for the user.
type Error struct {
	Code        int
	Description string
}

// Error returns the code and the description.
func (e Error) Error() string { return fmt.Sprintf("%d: %s", e.Code, e.Description) }

type errorWire struct {
	Code        wint `json:"code" xml:"code"`
	Description wstr `json:"description" xml:"description"`
}

func (e Error) wire() errorWire {
	return errorWire{Code: wint(e.Code), Description: wstr(e.Description)}
}

func (w errorWire) domain() Error {
	return Error{Code: int(w.Code), Description: string(w.Description)}
}

// MarshalJSON writes e as a member of the errors array.
func (e Error) MarshalJSON() ([]byte, error) { return marshalJSON(e.wire()) }

// UnmarshalJSON reads a member of the errors array.
func (e *Error) UnmarshalJSON(b []byte) error {
	var w errorWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*e = w.domain()
	return nil
}

// MarshalXML writes e as an <error> element.
func (e Error) MarshalXML(enc *xml.Encoder, _ xml.StartElement) error {
	return encodeOne(enc, "error", e.wire())
}

// UnmarshalXML reads an <error> element.
func (e *Error) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	var w errorWire
	if err := decodeOne(d, start, "error", &w); err != nil {
		return err
	}
	*e = w.domain()
	return nil
}

// Errors is an error response: <errors><error>… in XML, an array in JSON. A server may return
// several errors at once.
type Errors []Error

// Error joins the errors.
func (l Errors) Error() string {
	parts := make([]string, len(l))
	for i, e := range l {
		parts[i] = e.Error()
	}
	return "open311: " + strings.Join(parts, "; ")
}

// MarshalJSON writes the list as an array, [] when empty.
func (l Errors) MarshalJSON() ([]byte, error) { return marshalJSON(mapSlice(l, Error.wire)) }

// MarshalXML writes the <errors> document.
func (l Errors) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	return encodeList(e, "errors", "error", mapSlice(l, Error.wire))
}

// UnmarshalXML reads the <errors> document.
func (l *Errors) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	ws, err := decodeList[errorWire](d, start, "errors", "error")
	if err != nil {
		return err
	}
	*l = mapNil(ws, errorWire.domain)
	return nil
}
