package livelihoodvoting

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/renda-platform/renda/plugins/scene"
)

// Yuan is an amount of money in fen (0.01 yuan), exact. In JSON it is a decimal string of
// yuan with at most two decimals ("1250000.50"); a JSON number is refused, so that no amount
// ever passes through a float.
type Yuan int64

// maxYuan bounds a budget: ten trillion yuan, far above any livelihood project, and well
// inside int64 fen.
const maxYuan = 10_000_000_000_000

var yuanPattern = regexp.MustCompile(`^(0|[1-9][0-9]{0,13})(\.[0-9]{1,2})?$`)

// ParseYuan parses a decimal yuan amount: digits, an optional point and one or two decimals,
// no sign, no grouping, no exponent.
func ParseYuan(s string) (Yuan, error) {
	if !yuanPattern.MatchString(s) {
		return 0, fmt.Errorf("money: %q is not an amount of yuan such as 1250000.50", s)
	}
	whole, frac, _ := strings.Cut(s, ".")
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > maxYuan {
		return 0, fmt.Errorf("money: %q is too large", s)
	}
	frac = (frac + "00")[:2]
	f, _ := strconv.ParseInt(frac, 10, 64)
	return Yuan(w*100 + f), nil
}

// String formats the amount as yuan with two decimals.
func (y Yuan) String() string { return fmt.Sprintf("%d.%02d", int64(y)/100, int64(y)%100) }

// MarshalJSON writes the amount as a decimal string.
func (y Yuan) MarshalJSON() ([]byte, error) { return json.Marshal(y.String()) }

// UnmarshalJSON reads a decimal string; anything else is an error.
func (y *Yuan) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("money: want a decimal string of yuan")
	}
	v, err := ParseYuan(s)
	if err != nil {
		return err
	}
	*y = v
	return nil
}

// moneyProblem is the field problem for a malformed amount.
func moneyProblem(path string) scene.FieldProblem {
	return scene.Field(path, scene.T("金额须为以元为单位的数字字符串，最多两位小数，如 \"1250000.50\"。",
		"The amount must be a string of yuan with at most two decimals, such as \"1250000.50\"."))
}
