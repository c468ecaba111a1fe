package issuesupervision

import (
	"encoding/json"
	"strings"
)

// Settings are a tenant's settings for the scene (validated by the host
// against settingsSchema).
type Settings struct {
	Grid                 GridSettings   `json:"grid"`
	Routes               []RouteRule    `json:"routes"`
	Deadlines            map[string]int `json:"deadlines"`
	DuplicateRadiusM     float64        `json:"duplicate_radius_m"`
	DuplicateWindowHours int            `json:"duplicate_window_hours"`
	// PollSeconds is how often the platform's progress is checked while
	// issues are open there (default 15).
	PollSeconds int `json:"poll_seconds"`
	// Open311Keys are the api_keys of the scene's own Open311 endpoint: a
	// client posting with one files issues for its deputy.
	Open311Keys []Open311Key `json:"open311_api_keys"`
}

// Open311Key lets one Open311 client (a hotline, a partner app) file
// issues for a deputy; Name says who holds it and becomes the reporter's
// name.
type Open311Key struct {
	Key      string `json:"key"`
	Name     string `json:"name"`
	DeputyID string `json:"deputy_id"`
}

// GridSettings reach the tenant's grassroots governance platform (Open311).
type GridSettings struct {
	Endpoint       string            `json:"endpoint"`
	APIKey         string            `json:"api_key"`
	ServiceCodes   map[string]string `json:"service_codes"`
	CallbackSecret string            `json:"callback_secret"`
	// RetrySeconds is the first wait after a failed delivery; each further
	// failure doubles it (default 15).
	RetrySeconds int `json:"retry_seconds"`
}

// RouteRule sends a category (optionally only in an area: an address
// prefix) to a destination: "grid" or "department:<code>".
type RouteRule struct {
	Category    string `json:"category"`
	AreaPrefix  string `json:"area_prefix,omitempty"`
	Destination string `json:"destination"`
}

const settingsSchema = `{
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "grid": {
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "endpoint": {"type": "string", "pattern": "^https?://", "description": "Open311 base URL of the grassroots governance platform"},
        "api_key": {"type": "string", "maxLength": 200},
        "service_codes": {"type": "object", "additionalProperties": {"type": "string", "maxLength": 64}},
        "callback_secret": {"type": "string", "maxLength": 200},
        "retry_seconds": {"type": "integer", "minimum": 1, "maximum": 3600}
      }
    },
    "routes": {
      "type": "array", "maxItems": 100,
      "items": {
        "type": "object", "additionalProperties": false, "required": ["category", "destination"],
        "properties": {
          "category": {"type": "string"},
          "area_prefix": {"type": "string", "maxLength": 100},
          "destination": {"type": "string", "pattern": "^(grid|department:[a-z0-9_-]+)$"}
        }
      }
    },
    "deadlines": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 1, "maximum": 60}},
    "duplicate_radius_m": {"type": "number", "minimum": 0, "maximum": 5000},
    "duplicate_window_hours": {"type": "integer", "minimum": 0, "maximum": 720},
    "poll_seconds": {"type": "integer", "minimum": 1, "maximum": 3600},
    "open311_api_keys": {
      "type": "array", "maxItems": 100,
      "items": {
        "type": "object", "additionalProperties": false, "required": ["key", "name", "deputy_id"],
        "properties": {
          "key": {"type": "string", "minLength": 16, "maxLength": 200, "description": "api_key an Open311 client posts with"},
          "name": {"type": "string", "minLength": 1, "maxLength": 100, "description": "who holds the key, e.g. a hotline"},
          "deputy_id": {"type": "string", "minLength": 1, "maxLength": 64, "description": "the deputy the client files issues for"}
        }
      }
    }
  }
}`

// parseSettings reads the tenant's settings with defaults filled in.
func parseSettings(raw []byte) Settings {
	s := Settings{DuplicateRadiusM: 100, DuplicateWindowHours: 72}
	if len(raw) > 0 {
		_ = json.Unmarshal(raw, &s)
	}
	return s
}

// deadline is the category's answer deadline in working days.
func (s Settings) deadline(cat string) int {
	if d, ok := s.Deadlines[cat]; ok && d > 0 {
		return d
	}
	if c, ok := category(cat); ok {
		return c.Deadline
	}
	return 5
}

// destination applies the routing rules: the first rule for the category
// whose area prefix matches the address; the platform by default.
func (s Settings) destination(cat, address string) string {
	for _, r := range s.Routes {
		if r.Category == cat && strings.HasPrefix(address, r.AreaPrefix) {
			return r.Destination
		}
	}
	return "grid"
}
