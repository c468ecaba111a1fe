package open311

import (
	"encoding/json"
	"encoding/xml"
	"time"
)

// Status is the state of a service request. GeoReport v2 knows only two; finer steps
// (accepted, dispatched) are told in StatusNotes.
type Status string

// The statuses of GeoReport v2.
const (
	Open   Status = "open"   // reported, not yet resolved
	Closed Status = "closed" // resolved
)

// Valid reports whether s is one of the statuses of the specification.
func (s Status) Valid() bool { return s == Open || s == Closed }

// ServiceRequest is one reported issue as the jurisdiction tracks it (GET requests and GET
// requests/{service_request_id}).
type ServiceRequest struct {
	ServiceRequestID  string
	Status            Status
	StatusNotes       string // why the status changed, or more detail than the status
	ServiceName       string
	ServiceCode       string
	Description       string
	AgencyResponsible string // who fulfils the request
	ServiceNotice     string // what will be done about it
	RequestedAt       time.Time
	UpdatedAt         time.Time // for a closed request, when it was closed
	ExpectedAt        time.Time // when it is expected to be fulfilled; zero when unknown
	Address           string
	AddressID         string
	Zipcode           string
	Lat, Long         *float64 // WGS84; nil when the request has no coordinates
	MediaURL          string
}

type requestWire struct {
	ServiceRequestID  wstr   `json:"service_request_id" xml:"service_request_id"`
	Status            Status `json:"status" xml:"status"`
	StatusNotes       wstr   `json:"status_notes" xml:"status_notes"`
	ServiceName       wstr   `json:"service_name" xml:"service_name"`
	ServiceCode       wstr   `json:"service_code" xml:"service_code"`
	Description       wstr   `json:"description" xml:"description"`
	AgencyResponsible wstr   `json:"agency_responsible" xml:"agency_responsible"`
	ServiceNotice     wstr   `json:"service_notice" xml:"service_notice"`
	RequestedAt       wtime  `json:"requested_datetime" xml:"requested_datetime"`
	UpdatedAt         wtime  `json:"updated_datetime" xml:"updated_datetime"`
	ExpectedAt        wtime  `json:"expected_datetime" xml:"expected_datetime"`
	Address           wstr   `json:"address" xml:"address"`
	AddressID         wstr   `json:"address_id" xml:"address_id"`
	Zipcode           wstr   `json:"zipcode" xml:"zipcode"`
	Lat               wfloat `json:"lat" xml:"lat"`
	Long              wfloat `json:"long" xml:"long"`
	MediaURL          wstr   `json:"media_url" xml:"media_url"`
}

func (r ServiceRequest) wire() requestWire {
	return requestWire{ServiceRequestID: wstr(r.ServiceRequestID), Status: r.Status, StatusNotes: wstr(r.StatusNotes),
		ServiceName: wstr(r.ServiceName), ServiceCode: wstr(r.ServiceCode), Description: wstr(r.Description),
		AgencyResponsible: wstr(r.AgencyResponsible), ServiceNotice: wstr(r.ServiceNotice),
		RequestedAt: wtime(r.RequestedAt), UpdatedAt: wtime(r.UpdatedAt), ExpectedAt: wtime(r.ExpectedAt),
		Address: wstr(r.Address), AddressID: wstr(r.AddressID), Zipcode: wstr(r.Zipcode),
		Lat: wfloat{r.Lat}, Long: wfloat{r.Long}, MediaURL: wstr(r.MediaURL)}
}

func (w requestWire) domain() ServiceRequest {
	return ServiceRequest{ServiceRequestID: string(w.ServiceRequestID), Status: w.Status, StatusNotes: string(w.StatusNotes),
		ServiceName: string(w.ServiceName), ServiceCode: string(w.ServiceCode), Description: string(w.Description),
		AgencyResponsible: string(w.AgencyResponsible), ServiceNotice: string(w.ServiceNotice),
		RequestedAt: time.Time(w.RequestedAt), UpdatedAt: time.Time(w.UpdatedAt), ExpectedAt: time.Time(w.ExpectedAt),
		Address: string(w.Address), AddressID: string(w.AddressID), Zipcode: string(w.Zipcode),
		Lat: floatOf(w.Lat), Long: floatOf(w.Long), MediaURL: string(w.MediaURL)}
}

// MarshalJSON writes r as a member of the GET requests array.
func (r ServiceRequest) MarshalJSON() ([]byte, error) { return marshalJSON(r.wire()) }

// UnmarshalJSON reads a member of the GET requests array.
func (r *ServiceRequest) UnmarshalJSON(b []byte) error {
	var w requestWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*r = w.domain()
	return nil
}

// MarshalXML writes r as a <request> element.
func (r ServiceRequest) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	return encodeOne(e, "request", r.wire())
}

// UnmarshalXML reads a <request> element.
func (r *ServiceRequest) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	var w requestWire
	if err := decodeOne(d, start, "request", &w); err != nil {
		return err
	}
	*r = w.domain()
	return nil
}

// ServiceRequests is the GET requests response, also returned for a single request:
// <service_requests><request>… in XML, an array in JSON.
type ServiceRequests []ServiceRequest

// MarshalJSON writes the list as an array, [] when empty.
func (l ServiceRequests) MarshalJSON() ([]byte, error) {
	return marshalJSON(mapSlice(l, ServiceRequest.wire))
}

// MarshalXML writes the <service_requests> document.
func (l ServiceRequests) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	return encodeList(e, "service_requests", "request", mapSlice(l, ServiceRequest.wire))
}

// UnmarshalXML reads the <service_requests> document.
func (l *ServiceRequests) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	ws, err := decodeList[requestWire](d, start, "service_requests", "request")
	if err != nil {
		return err
	}
	*l = mapNil(ws, requestWire.domain)
	return nil
}

// Receipt is what POST requests answers: the new ServiceRequestID, or a Token for a batch
// service (see Client.Token); never both.
type Receipt struct {
	ServiceRequestID string
	Token            string
	ServiceNotice    string // what will be done; may be empty
	AccountID        string // the account of the person who reported; may be empty
}

type receiptWire struct {
	ServiceRequestID wstr `json:"service_request_id,omitempty" xml:"service_request_id,omitempty"`
	Token            wstr `json:"token,omitempty" xml:"token,omitempty"`
	ServiceNotice    wstr `json:"service_notice" xml:"service_notice"`
	AccountID        wstr `json:"account_id" xml:"account_id"`
}

func (r Receipt) wire() receiptWire {
	return receiptWire{ServiceRequestID: wstr(r.ServiceRequestID), Token: wstr(r.Token),
		ServiceNotice: wstr(r.ServiceNotice), AccountID: wstr(r.AccountID)}
}

func (w receiptWire) domain() Receipt {
	return Receipt{ServiceRequestID: string(w.ServiceRequestID), Token: string(w.Token),
		ServiceNotice: string(w.ServiceNotice), AccountID: string(w.AccountID)}
}

// MarshalJSON writes r as a member of the POST response array.
func (r Receipt) MarshalJSON() ([]byte, error) { return marshalJSON(r.wire()) }

// UnmarshalJSON reads a member of the POST response array.
func (r *Receipt) UnmarshalJSON(b []byte) error {
	var w receiptWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*r = w.domain()
	return nil
}

// MarshalXML writes r as a <request> element.
func (r Receipt) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	return encodeOne(e, "request", r.wire())
}

// UnmarshalXML reads a <request> element.
func (r *Receipt) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	var w receiptWire
	if err := decodeOne(d, start, "request", &w); err != nil {
		return err
	}
	*r = w.domain()
	return nil
}

// Receipts is the POST requests response: <service_requests><request>… in XML, an array in
// JSON.
type Receipts []Receipt

// MarshalJSON writes the list as an array, [] when empty.
func (l Receipts) MarshalJSON() ([]byte, error) { return marshalJSON(mapSlice(l, Receipt.wire)) }

// MarshalXML writes the <service_requests> document.
func (l Receipts) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	return encodeList(e, "service_requests", "request", mapSlice(l, Receipt.wire))
}

// UnmarshalXML reads the <service_requests> document.
func (l *Receipts) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	ws, err := decodeList[receiptWire](d, start, "service_requests", "request")
	if err != nil {
		return err
	}
	*l = mapNil(ws, receiptWire.domain)
	return nil
}

// TokenResult answers GET tokens/{token}: the service_request_id a batch service's token turned
// into. ServiceRequestID is empty while the request is still being created.
type TokenResult struct {
	ServiceRequestID string
	Token            string
}

type tokenWire struct {
	ServiceRequestID wstr `json:"service_request_id" xml:"service_request_id"`
	Token            wstr `json:"token" xml:"token"`
}

func (r TokenResult) wire() tokenWire {
	return tokenWire{ServiceRequestID: wstr(r.ServiceRequestID), Token: wstr(r.Token)}
}

func (w tokenWire) domain() TokenResult {
	return TokenResult{ServiceRequestID: string(w.ServiceRequestID), Token: string(w.Token)}
}

// MarshalJSON writes r as a member of the GET tokens array.
func (r TokenResult) MarshalJSON() ([]byte, error) { return marshalJSON(r.wire()) }

// UnmarshalJSON reads a member of the GET tokens array.
func (r *TokenResult) UnmarshalJSON(b []byte) error {
	var w tokenWire
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*r = w.domain()
	return nil
}

// MarshalXML writes r as a <request> element.
func (r TokenResult) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	return encodeOne(e, "request", r.wire())
}

// UnmarshalXML reads a <request> element.
func (r *TokenResult) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	var w tokenWire
	if err := decodeOne(d, start, "request", &w); err != nil {
		return err
	}
	*r = w.domain()
	return nil
}

// TokenResults is the GET tokens response: <service_requests><request>… in XML, an array in
// JSON.
type TokenResults []TokenResult

// MarshalJSON writes the list as an array, [] when empty.
func (l TokenResults) MarshalJSON() ([]byte, error) {
	return marshalJSON(mapSlice(l, TokenResult.wire))
}

// MarshalXML writes the <service_requests> document.
func (l TokenResults) MarshalXML(e *xml.Encoder, _ xml.StartElement) error {
	return encodeList(e, "service_requests", "request", mapSlice(l, TokenResult.wire))
}

// UnmarshalXML reads the <service_requests> document.
func (l *TokenResults) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	ws, err := decodeList[tokenWire](d, start, "service_requests", "request")
	if err != nil {
		return err
	}
	*l = mapNil(ws, tokenWire.domain)
	return nil
}
