// Package ballot is the exact core of a livelihood-project vote (民生实事项目人大代表票决制):
// ballot rules and their validation, a hash chain of accepted ballots, and the tally recomputed
// from that chain. It uses the standard library only, so a scene plugin can import it.
//
// The flow is: Validate a ballot against the round's Rules and candidates; Chain.Append it,
// giving the deputy the entry's hash as a receipt; keep a Counter for the live result; at close,
// publish the Result with its chain head. Anyone holding the entries can later run Tally, which
// verifies the chain and recomputes the result, and VerifyHead against the published head.
//
// Secret ballots: an Entry holds no voter identity of any kind, only the sequence number, the
// ballot and the hashes. Who voted is stored elsewhere, as a set with no link to an entry: no
// entry hash, no sequence number, and no cast time or insertion order that could be lined up
// with the chain's order (the chain's order is the order of casting).
package ballot
