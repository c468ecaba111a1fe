package issuesupervision

import (
	"math"
	"strings"
	"time"

	"github.com/renda-platform/renda/plugins/scene"
)

// Issue is one matter a deputy supervises (督事事项).
type Issue struct {
	Category    string   `json:"category"`
	Description string   `json:"description"`
	Lat         float64  `json:"lat"`
	Lng         float64  `json:"lng"`
	Address     string   `json:"address"`
	Photos      []string `json:"photos,omitempty"`
	Urgent      bool     `json:"urgent"`

	State       State     `json:"status"`
	DeputyID    string    `json:"deputy_id"`
	ReporterID  string    `json:"reporter_user_id"`
	Reporter    string    `json:"reporter_name"`
	Destination string    `json:"destination,omitempty"` // "grid" or "department:<code>"
	DueAt       time.Time `json:"due_at"`
	Overdue     bool      `json:"overdue"`
	Reopens     int       `json:"reopens"`
	DuplicateOf string    `json:"duplicate_of,omitempty"` // the issue this one is linked to
	Linked      []string  `json:"linked,omitempty"`       // issues linked to this one: they share its outcome
	Answer      string    `json:"answer,omitempty"`
	AfterPhotos []string  `json:"after_photos,omitempty"`
	Worker      string    `json:"worker,omitempty"`
	Grid        *GridLink `json:"grid,omitempty"`
	Satisfied   *bool     `json:"satisfied,omitempty"`
	Timeline    []Step    `json:"timeline"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// GridLink is the issue's request on the grassroots governance platform.
type GridLink struct {
	RequestID     string    `json:"service_request_id,omitempty"`
	ServiceCode   string    `json:"service_code"`
	Attempts      int       `json:"attempts"`
	Undeliverable bool      `json:"undeliverable"`
	LastError     string    `json:"last_error,omitempty"`
	LastStatus    string    `json:"last_status,omitempty"`
	LastNotes     string    `json:"last_notes,omitempty"`
	CheckedAt     time.Time `json:"checked_at,omitzero"`
}

// Category is a kind of issue, with its answer deadline in working days.
type Category struct {
	Code     string     `json:"code"`
	Name     scene.Text `json:"name"`
	Deadline int        `json:"deadline_days"`
}

// Categories are the built-in kinds (tenants may change deadlines and
// routing in their settings).
var Categories = []Category{
	{"tree", scene.T("树木倒伏", "Fallen trees"), 3},
	{"manhole", scene.T("井盖缺失", "Missing manhole cover"), 3},
	{"road", scene.T("道路设施", "Road facilities"), 5},
	{"drainage", scene.T("排水防涝", "Drainage and flooding"), 3},
	{"environment", scene.T("市容环境", "City appearance"), 5},
	{"housing", scene.T("住房保障", "Housing subsidies"), 5},
	{"other", scene.T("其他", "Other"), 5},
}

func category(code string) (Category, bool) {
	for _, c := range Categories {
		if c.Code == code {
			return c, true
		}
	}
	return Category{}, false
}

// ReportInput is what a deputy sends from a phone.
type ReportInput struct {
	Category    string   `json:"category"`
	Description string   `json:"description"`
	Lat         *float64 `json:"lat"`
	Lng         *float64 `json:"lng"`
	Address     string   `json:"address"`
	Photos      []string `json:"photos,omitempty"`
	Urgent      bool     `json:"urgent,omitempty"`
	// LinkTo links the report to an open issue offered as its duplicate:
	// it is not sent on again, and shares that issue's outcome.
	LinkTo string `json:"link_to,omitempty"`
}

// Validate checks a report.
func (in ReportInput) Validate() error {
	var v scene.Validator
	_, known := category(in.Category)
	v.Check(known, "category", scene.T("不认识的问题类别。", "Unknown category."))
	v.Required("description", strings.TrimSpace(in.Description))
	v.MaxLen("description", in.Description, 2000)
	v.Required("address", strings.TrimSpace(in.Address))
	v.MaxLen("address", in.Address, 200)
	// Mainland China, generously: a typo'd coordinate is caught here.
	v.Check(in.Lat != nil && *in.Lat >= 3 && *in.Lat <= 54, "lat", scene.T("纬度缺失或超出范围（3–54）。", "Latitude missing or out of range (3–54)."))
	v.Check(in.Lng != nil && *in.Lng >= 73 && *in.Lng <= 136, "lng", scene.T("经度缺失或超出范围（73–136）。", "Longitude missing or out of range (73–136)."))
	v.Check(len(in.Photos) <= 9, "photos", scene.T("最多 9 张照片。", "At most 9 photos."))
	return v.Err()
}

// distanceM is the great-circle distance between two points, in metres.
func distanceM(lat1, lng1, lat2, lng2 float64) float64 {
	const r = 6371000.0
	rad := math.Pi / 180
	dLat, dLng := (lat2-lat1)*rad, (lng2-lng1)*rad
	a := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dLng/2)*math.Sin(dLng/2)
	return 2 * r * math.Asin(math.Sqrt(a))
}
