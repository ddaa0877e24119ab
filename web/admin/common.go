package admin

import (
	"context"
	"fmt"
)

// communityNames lists every community for the filters and forms.
func (s *server) communityNames(ctx context.Context) ([]string, error) {
	cs, err := s.st.ListCommunities(ctx)
	if err != nil {
		return nil, fmt.Errorf("admin: list communities: %w", err)
	}
	names := make([]string, 0, len(cs))
	for _, c := range cs {
		names = append(names, c.Name)
	}
	return names, nil
}
