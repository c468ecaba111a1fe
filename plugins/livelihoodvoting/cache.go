package livelihoodvoting

import (
	"context"
	"sync"

	"github.com/renda-platform/renda/plugins/scene"
)

// What the scene keeps in memory to answer a cast without reading the store: the electorate and
// the ballot's rules (neither changes once a ballot opens). Entries are keyed by congress and
// round, may be lost at any time, and are never the last word: a cast is checked against the
// ballot box in the transaction that records it, and the store refuses a second voter record.

// maxCached bounds each cache: past it, the cache starts afresh.
const maxCached = 64

// electorateCache keeps electorates in memory.
type electorateCache struct {
	mu   sync.Mutex
	sets map[string]map[string]bool
}

func newElectorateCache() *electorateCache {
	return &electorateCache{sets: map[string]map[string]bool{}}
}

// seated reports whether deputy is in the electorate of the congress's round.
func (c *electorateCache) seated(ctx context.Context, h scene.Host, tenant, roundID, deputy string) (bool, error) {
	key := tenant + "/" + roundID
	c.mu.Lock()
	set, ok := c.sets[key]
	c.mu.Unlock()
	if !ok {
		docs, err := queryAll(ctx, h, colElectorate, "created_at", scene.Eq("round_id", roundID))
		if err != nil {
			return false, err
		}
		set = map[string]bool{}
		for _, d := range docs {
			var p electoratePage
			if err := d.Decode(&p); err != nil {
				return false, err
			}
			for _, id := range p.Deputies {
				set[id] = true
			}
		}
		if len(set) == 0 {
			return false, nil
		}
		c.mu.Lock()
		if len(c.sets) >= maxCached {
			clear(c.sets)
		}
		c.sets[key] = set
		c.mu.Unlock()
	}
	return set[deputy], nil
}

// ballotCache keeps the ballots of open rounds: candidates, rules, secrecy and window are
// frozen when a ballot opens. Its state may be stale (closed since): the committer refuses a
// cast against the box's state, not this one's.
type ballotCache struct {
	mu sync.Mutex
	m  map[string]*BallotConfig
}

func newBallotCache() *ballotCache { return &ballotCache{m: map[string]*BallotConfig{}} }

// open returns the open ballot of the congress's round, from memory or else the store; a
// round whose ballot is not open comes back as stored and is not kept.
func (c *ballotCache) open(ctx context.Context, h scene.Host, tenant, roundID string) (Phase, *BallotConfig, error) {
	key := tenant + "/" + roundID
	c.mu.Lock()
	b, ok := c.m[key]
	c.mu.Unlock()
	if ok {
		return PhaseVoting, b, nil
	}
	rd, err := loadRound(ctx, h, roundID)
	if err != nil {
		return "", nil, err
	}
	if rd.Phase == PhaseVoting && rd.Ballot != nil && rd.Ballot.State == BallotOpen {
		c.mu.Lock()
		if len(c.m) >= maxCached {
			clear(c.m)
		}
		c.m[key] = rd.Ballot
		c.mu.Unlock()
	}
	return rd.Phase, rd.Ballot, nil
}
