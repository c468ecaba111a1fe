package livelihoodvoting

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/renda-platform/renda/plugins/scene"
)

// The ratings of the year-end evaluation.
const (
	RatingSatisfied      = "satisfied"           // 满意
	RatingBasicSatisfied = "basically_satisfied" // 基本满意
	RatingUnsatisfied    = "unsatisfied"         // 不满意
)

// Evaluation is one deputy's rating of one project.
type Evaluation struct {
	ProjectID string    `json:"project_id"`
	RoundID   string    `json:"round_id"`
	DeputyID  string    `json:"deputy_id"`
	Rating    string    `json:"rating"`
	Comment   string    `json:"comment"`
	At        time.Time `json:"at"`
}

// Ratings counts a project's (or a round's) ratings.
type Ratings struct {
	Satisfied      int64 `json:"satisfied"`
	BasicSatisfied int64 `json:"basically_satisfied"`
	Unsatisfied    int64 `json:"unsatisfied"`
	Total          int64 `json:"total"`
	// SatisfactionPermille is (satisfied + basically satisfied) per thousand ratings, rounded
	// down; 0 when there are none.
	SatisfactionPermille int64 `json:"satisfaction_permille"`
}

func (r *Ratings) add(rating string, n int64) {
	switch rating {
	case RatingSatisfied:
		r.Satisfied += n
	case RatingBasicSatisfied:
		r.BasicSatisfied += n
	case RatingUnsatisfied:
		r.Unsatisfied += n
	default:
		return
	}
	r.Total += n
	r.SatisfactionPermille = (r.Satisfied + r.BasicSatisfied) * 1000 / r.Total
}

func (sv *service) registerEvaluation(s *scene.Scene) {
	s.Handle(http.MethodPost, "/projects/{id}/evaluation", permEvaluate, scene.T("测评项目", "Evaluate a project"), sv.evaluate)
	s.Handle(http.MethodGet, "/rounds/{id}/evaluation", permRead, scene.T("测评结果", "Evaluation results"), sv.evaluation)
	s.Handle(http.MethodGet, "/history", permRead, scene.T("历年票决与测评", "Rounds across the years"), sv.history)
}

type evaluateIn struct {
	Rating  string `json:"rating"`
	Comment string `json:"comment"`
}

func (in *evaluateIn) Validate() error {
	var v scene.Validator
	v.Check(in.Rating == RatingSatisfied || in.Rating == RatingBasicSatisfied || in.Rating == RatingUnsatisfied, "rating",
		scene.T("测评须为 satisfied（满意）、basically_satisfied（基本满意）或 unsatisfied（不满意）。",
			"The rating is satisfied, basically_satisfied or unsatisfied."))
	v.MaxLen("comment", in.Comment, 2000)
	v.Check(in.Rating != RatingUnsatisfied || strings.TrimSpace(in.Comment) != "", "comment",
		scene.T("评为不满意时请说明理由。", "Say why when rating unsatisfied."))
	return v.Err()
}

func (sv *service) evaluate(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	var in evaluateIn
	if err := r.Bind(&in); err != nil {
		return nil, err
	}
	if r.Principal.DeputyID == "" {
		return nil, scene.Forbidden("evaluation.deputy_only", scene.T("测评由人大代表进行。", "Deputies evaluate projects."))
	}
	p, err := loadProject(ctx, r.Host, r.Param("id"))
	if err != nil {
		return nil, err
	}
	rd, err := loadRound(ctx, r.Host, p.RoundID)
	if err != nil {
		return nil, err
	}
	if err := needPhase(rd, PhaseEvaluation); err != nil {
		return nil, err
	}
	e := Evaluation{ProjectID: p.ID, RoundID: rd.ID, DeputyID: r.Principal.DeputyID, Rating: in.Rating, Comment: in.Comment, At: time.Now().UTC()}
	id := p.ID + "." + idPart(e.DeputyID)
	_, err = r.Host.Store().BatchWith(ctx, []scene.Write{{Op: "create", Collection: colEvaluations, ID: id, Data: e}}, nil,
		dutyEntry(e.DeputyID, dutyEvaluate, id, "测评民生实事项目："+p.Title, e.At))
	if pr, isP := scene.AsProblem(err); isP && pr.Code == scene.CodeConflict {
		return nil, scene.Conflict("evaluation.already", scene.T("您已测评过该项目。", "You have already evaluated this project."))
	}
	if err != nil {
		return nil, err
	}
	return created(e)
}

// ProjectRatings is one project's evaluation.
type ProjectRatings struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Ratings
}

func (sv *service) evaluation(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	rd, err := loadRound(ctx, r.Host, r.Param("id"))
	if err != nil {
		return nil, err
	}
	projects, err := queryAll(ctx, r.Host, colProjects, "created_at", scene.Eq("round_id", rd.ID))
	if err != nil {
		return nil, err
	}
	var overall Ratings
	out := make([]ProjectRatings, 0, len(projects))
	for _, d := range projects {
		var p Project
		if err := d.Decode(&p); err != nil {
			return nil, err
		}
		pr := ProjectRatings{ID: d.ID, Title: p.Title}
		groups, err := r.Host.Store().Aggregate(ctx, colEvaluations, []scene.Filter{scene.Eq("project_id", d.ID)}, "rating", "")
		if err != nil {
			return nil, err
		}
		for _, g := range groups {
			pr.add(g.Key, g.Count)
			overall.add(g.Key, g.Count)
		}
		out = append(out, pr)
	}
	return ok(map[string]any{"round_id": rd.ID, "year": rd.Year, "projects": out, "overall": overall})
}

// YearSummary is one round in the history: what was adopted and how it was rated.
type YearSummary struct {
	Tenant  string  `json:"tenant"`
	RoundID string  `json:"round_id"`
	Year    int     `json:"year"`
	Title   string  `json:"title"`
	Phase   Phase   `json:"phase"`
	Adopted int     `json:"adopted"`
	Budget  Yuan    `json:"budget"`
	Delayed int     `json:"delayed"`
	Ratings Ratings `json:"ratings"`
}

// history lists rounds across the years with their adopted projects, delays and ratings; with
// ?scope=descendants, every district's (the city view).
func (sv *service) history(ctx context.Context, r *scene.Request) (*scene.Response, error) {
	rounds, err := queryAll(ctx, r.Host, colRounds, "-year")
	if err != nil {
		return nil, err
	}
	day := today()
	out := make([]YearSummary, 0, len(rounds))
	for _, d := range rounds {
		rd, err := roundOut(d)
		if err != nil {
			return nil, err
		}
		s := YearSummary{Tenant: rd.Tenant, RoundID: rd.ID, Year: rd.Year, Title: rd.Title, Phase: rd.Phase}
		if rd.Result != nil {
			for _, l := range rd.Result.Candidates {
				if l.Adopted {
					s.Adopted++
					s.Budget += l.Budget
				}
			}
		}
		projects, err := queryAll(ctx, r.Host, colProjects, "created_at", scene.Eq("round_id", rd.ID))
		if err != nil {
			return nil, err
		}
		for _, pd := range projects {
			var p Project
			if err := pd.Decode(&p); err != nil {
				return nil, err
			}
			if p.delayed(day) {
				s.Delayed++
			}
		}
		groups, err := r.Host.Store().Aggregate(ctx, colEvaluations, []scene.Filter{scene.Eq("round_id", rd.ID)}, "rating", "")
		if err != nil {
			return nil, err
		}
		for _, g := range groups {
			s.Ratings.add(g.Key, g.Count)
		}
		out = append(out, s)
	}
	return ok(map[string]any{"items": out})
}
