package schema

// PaperItem is one question of an attempt's frozen paper, as the attempt's paper column holds it.
// The column is typed rather than a list of maps: every exam start writes one and every answer
// reads one, and encoding/json handles a struct without the reflection on each value and the key
// sorting that maps cost. The JSON is the same as the maps it replaced, so stored papers read back.
type PaperItem struct {
	QuestionID  int     `json:"question_id"`
	Version     int     `json:"version"`
	Kind        string  `json:"kind"`
	Points      float64 `json:"points"`
	OptionOrder []int   `json:"option_order,omitempty"`
	Partial     bool    `json:"partial,omitempty"`  // partial credit, frozen with the paper
	Feedback    bool    `json:"feedback,omitempty"` // practice: right or wrong shown as soon as answered
}
