package open311

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Status callbacks are an extension of this dialect, not part of GeoReport v2, which has clients
// poll GET requests. A platform that offers them POSTs a ServiceRequests document in JSON, holding
// the changed request, to the subscriber's URL whenever a request changes, with the headers
// below. cmd/gridsim speaks it.
const (
	// SignatureHeader carries "sha256=" and the hex HMAC-SHA256 of the body under the shared
	// secret.
	SignatureHeader = "X-Gridsim-Signature"
	// EventHeader names the change, e.g. "accepted" or "closed".
	EventHeader = "X-Gridsim-Event"
)

// SignCallback returns the SignatureHeader value for body under secret.
func SignCallback(secret, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// VerifyCallback reports whether signature, a SignatureHeader value, signs body under secret. It
// compares in constant time.
func VerifyCallback(secret, body []byte, signature string) bool {
	got, ok := strings.CutPrefix(strings.TrimSpace(signature), "sha256=")
	if !ok {
		return false
	}
	mac, err := hex.DecodeString(got)
	if err != nil {
		return false
	}
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return hmac.Equal(mac, m.Sum(nil))
}
