package open311

import (
	"encoding/json"
	"encoding/xml"
)

// ServiceType says what POST requests returns for a service.
type ServiceType string

// The service types of GeoReport v2.
const (
	// Realtime services return the service_request_id at once.
	Realtime ServiceType = "realtime"
	// Batch services return a token, exchanged later for the service_request_id.
	Batch ServiceType = "batch"
	// Blackbox services return no service_request_id at all.
	Blackbox ServiceType = "blackbox"
)

// Service is one type of service request a jurisdiction accepts (GET services).
type Service struct {
	Code        string // service_code: the unique identifier of the type
	Name        string // service_name: its human-readable name
	Description string
	// Metadata is true when the service has attributes to fill in: the client then reads its
	// ServiceDefinition.
	Metadata bool
	Type     ServiceType
	Keywords string // a comma-separated list of tags and synonyms
	Group    string // the category the service belongs to
}

type serviceWire struct {
	Code        wstr        `json:"service_code" xml:"service_code"`
	Name        wstr        `json:"service_name" xml:"service_name"`
	Description wstr        `json:"description" xml:"description"`
	Metadata    bool        `json:"metadata" xml:"metadata"`
	Type        ServiceType `json:"type" xml:"type"`
	Keywords    wstr        `json:"keywords" xml:"keywords"`
	Group       wstr        `json:"group" xml:"group"`
}

func (s Service) wire() serviceWire {
	return serviceWire{Code: wstr(s.Code), Name: wstr(s.Name), Description: wstr(s.Description),
		Metadata: s.Metadata, Type: s.Type, Keywords: wstr(s.Keywords), Group: wstr(s.Group)}
}

func (w serviceWire) domain() Service {
	return Service{Code: string(w.Code), Name: string(w.Name), Description: string(w.Description),
		Metadata: w.Metadata, Type: w.Type, Keywords: string(w.Keywords), Group: string(w.Group)}
}

// MarshalJSON writes s as a member of the GET services array.
func (s Service) MarshalJSON() ([]byte, error) { return marshalJSON(s.wire()) }

// UnmarshalJSON reads a member of the GET services array.
func (s *Service) UnmarshalJSON(b []byte) error {
	var w serviceWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*s = w.domain()
	return nil
}

// MarshalXML writes s as a <service> element.
func (s Service) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	return encodeOne(e, "service", s.wire())
}

// UnmarshalXML reads a <service> element.
func (s *Service) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	var w serviceWire
	if err := decodeOne(d, start, "service", &w); err != nil {
		return err
	}
	*s = w.domain()
	return nil
}

// Services is the GET services response: <services><service>… in XML, an array in JSON.
type Services []Service

// MarshalJSON writes the list as an array, [] when empty.
func (l Services) MarshalJSON() ([]byte, error) {
	return marshalJSON(mapSlice(l, Service.wire))
}

// MarshalXML writes the <services> document.
func (l Services) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	return encodeList(e, "services", "service", mapSlice(l, Service.wire))
}

// UnmarshalXML reads the <services> document.
func (l *Services) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	ws, err := decodeList[serviceWire](d, start, "services", "service")
	if err != nil {
		return err
	}
	*l = mapNil(ws, serviceWire.domain)
	return nil
}

// Datatype is the kind of input an attribute asks for.
type Datatype string

// The attribute datatypes of GeoReport v2.
const (
	String          Datatype = "string"          // one line of text
	Number          Datatype = "number"          // a numeric value
	Datetime        Datatype = "datetime"        // an ISO 8601 date-time
	Text            Datatype = "text"            // text that may contain line breaks
	SingleValueList Datatype = "singlevaluelist" // one of Values
	MultiValueList  Datatype = "multivaluelist"  // several of Values
)

// ServiceDefinition lists the attributes of a service whose Metadata is true (GET
// services/{service_code}).
type ServiceDefinition struct {
	ServiceCode string
	Attributes  []Attribute
}

// Attribute is one extra field of a service request, sent as attribute[Code]=value.
type Attribute struct {
	// Variable is true when the user gives a value; false when the attribute only shows
	// Description to the user.
	Variable            bool
	Code                string
	Datatype            Datatype
	Required            bool
	DatatypeDescription string
	Order               int // the position to show it at; 1 is first
	Description         string
	Values              []AttributeValue // the choices of a singlevaluelist or multivaluelist
}

// AttributeValue is one choice of a list attribute: Key is sent, Name is shown.
type AttributeValue struct {
	Key  string
	Name string
}

type definitionWire struct {
	ServiceCode wstr            `json:"service_code" xml:"service_code"`
	Attributes  []attributeWire `json:"attributes" xml:"attributes>attribute"`
}

type attributeWire struct {
	Variable            bool        `json:"variable" xml:"variable"`
	Code                wstr        `json:"code" xml:"code"`
	Datatype            Datatype    `json:"datatype" xml:"datatype"`
	Required            bool        `json:"required" xml:"required"`
	DatatypeDescription wstr        `json:"datatype_description" xml:"datatype_description"`
	Order               int         `json:"order" xml:"order"`
	Description         wstr        `json:"description" xml:"description"`
	Values              []valueWire `json:"values" xml:"values>value"`
}

type valueWire struct {
	Key  wstr `json:"key" xml:"key"`
	Name wstr `json:"name" xml:"name"`
}

func (d ServiceDefinition) wire() definitionWire {
	return definitionWire{ServiceCode: wstr(d.ServiceCode), Attributes: mapSlice(d.Attributes, Attribute.wire)}
}

func (w definitionWire) domain() ServiceDefinition {
	return ServiceDefinition{ServiceCode: string(w.ServiceCode), Attributes: mapNil(w.Attributes, attributeWire.domain)}
}

func (a Attribute) wire() attributeWire {
	return attributeWire{Variable: a.Variable, Code: wstr(a.Code), Datatype: a.Datatype, Required: a.Required,
		DatatypeDescription: wstr(a.DatatypeDescription), Order: a.Order, Description: wstr(a.Description),
		Values: mapSlice(a.Values, func(v AttributeValue) valueWire { return valueWire{Key: wstr(v.Key), Name: wstr(v.Name)} })}
}

func (w attributeWire) domain() Attribute {
	a := Attribute{Variable: w.Variable, Code: string(w.Code), Datatype: w.Datatype, Required: w.Required,
		DatatypeDescription: string(w.DatatypeDescription), Order: w.Order, Description: string(w.Description)}
	for _, v := range w.Values {
		a.Values = append(a.Values, AttributeValue{Key: string(v.Key), Name: string(v.Name)})
	}
	return a
}

// MarshalJSON writes the service definition object.
func (d ServiceDefinition) MarshalJSON() ([]byte, error) { return marshalJSON(d.wire()) }

// UnmarshalJSON reads the service definition object.
func (d *ServiceDefinition) UnmarshalJSON(b []byte) error {
	var w definitionWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*d = w.domain()
	return nil
}

// MarshalXML writes the <service_definition> document.
func (d ServiceDefinition) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	return encodeOne(e, "service_definition", d.wire())
}

// UnmarshalXML reads the <service_definition> document.
func (d *ServiceDefinition) UnmarshalXML(dec *xml.Decoder, start xml.StartElement) error {
	var w definitionWire
	if err := decodeOne(dec, start, "service_definition", &w); err != nil {
		return err
	}
	*d = w.domain()
	return nil
}
