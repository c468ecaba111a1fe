package open311

import (
	"encoding/json"
	"encoding/xml"
)

// SpecificationV2 is the token that names GeoReport v2 in a discovery endpoint.
const SpecificationV2 = "http://wiki.open311.org/GeoReport_v2"

// Endpoint types of the discovery document.
const (
	Production = "production" // live: requests are acted upon
	Test       = "test"       // for trying things out
)

// Discovery is the service discovery document (/discovery.json, /discovery.xml) that routes a
// client to the endpoints of a jurisdiction.
type Discovery struct {
	Changeset  string // sortable; changes when the document or a service definition changes
	Contact    string // how to reach the maintainers
	KeyService string // how to obtain an API key
	Endpoints  []Endpoint
}

// Endpoint is one API a jurisdiction offers.
type Endpoint struct {
	Specification string // e.g. SpecificationV2
	URL           string
	Changeset     string
	Type          string   // Production or Test
	Formats       []string // MIME types, e.g. "text/xml", "application/json"
}

type discoveryWire struct {
	Changeset  string         `json:"changeset" xml:"changeset"`
	Contact    string         `json:"contact" xml:"contact"`
	KeyService string         `json:"key_service" xml:"key_service"`
	Endpoints  []endpointWire `json:"endpoints" xml:"endpoints>endpoint"`
}

type endpointWire struct {
	Specification string   `json:"specification" xml:"specification"`
	URL           string   `json:"url" xml:"url"`
	Changeset     string   `json:"changeset" xml:"changeset"`
	Type          string   `json:"type" xml:"type"`
	Formats       []string `json:"formats" xml:"formats>format"`
}

func (d Discovery) wire() discoveryWire {
	return discoveryWire{Changeset: d.Changeset, Contact: d.Contact, KeyService: d.KeyService,
		Endpoints: mapSlice(d.Endpoints, func(e Endpoint) endpointWire {
			w := endpointWire(e)
			w.Formats = mapSlice(e.Formats, func(s string) string { return s })
			return w
		})}
}

func (w discoveryWire) domain() Discovery {
	return Discovery{Changeset: w.Changeset, Contact: w.Contact, KeyService: w.KeyService,
		Endpoints: mapNil(w.Endpoints, func(e endpointWire) Endpoint { return Endpoint(e) })}
}

// MarshalJSON writes the discovery object.
func (d Discovery) MarshalJSON() ([]byte, error) { return marshalJSON(d.wire()) }

// UnmarshalJSON reads the discovery object.
func (d *Discovery) UnmarshalJSON(b []byte) error {
	var w discoveryWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*d = w.domain()
	return nil
}

// MarshalXML writes the <discovery> document.
func (d Discovery) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	return encodeOne(e, "discovery", d.wire())
}

// UnmarshalXML reads the <discovery> document.
func (d *Discovery) UnmarshalXML(dec *xml.Decoder, start xml.StartElement) error {
	var w discoveryWire
	if err := decodeOne(dec, start, "discovery", &w); err != nil {
		return err
	}
	*d = w.domain()
	return nil
}
