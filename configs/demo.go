package configs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"go.yaml.in/yaml/v3"
)

// DemoCampaignFile is the campaign `envoybot demo` writes into the data
// directory beside the demo database. While it is there and no
// campaign_file is configured, every command on that directory reads it,
// so that the demo's dates and the campaign's agree.
const DemoCampaignFile = "demo-campaign.yaml"

// DemoCampaignPath is where the demo campaign of c's data directory lives.
func (c *Config) DemoCampaignPath() string {
	return filepath.Join(c.DataDir, DemoCampaignFile)
}

// UseDemoCampaign switches to the data directory's demo campaign when it
// has one, the embedded database is used and no campaign_file is set; it
// reports whether it did.
func (c *Config) UseDemoCampaign() (bool, error) {
	if !c.Embedded() || c.CampaignFile != "" {
		return false, nil
	}
	path := c.DemoCampaignPath()
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return false, nil
	} else if err != nil {
		return false, &KeyError{Key: "data_dir", Msg: err.Error()}
	}
	c.CampaignFile = path
	if err := c.loadCampaign(); err != nil {
		return false, err
	}
	if err := c.Validate(); err != nil {
		return false, err
	}
	return true, nil
}

// ShiftCampaign returns cp with every date moved by days, named as a demo.
func ShiftCampaign(cp Campaign, days int) Campaign {
	shift := func(d *Date) {
		if d.IsZero() {
			return
		}
		t := d.In(time.UTC).AddDate(0, 0, days)
		*d = Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}
	}
	out := cp
	shift(&out.Start)
	shift(&out.End)
	out.Phases = append([]Phase(nil), cp.Phases...)
	for i := range out.Phases {
		shift(&out.Phases[i].Start)
		shift(&out.Phases[i].End)
	}
	out.Targets = append([]Target(nil), cp.Targets...)
	for i := range out.Targets {
		shift(&out.Targets[i].Deadline)
	}
	return out
}

// MarshalCampaign writes cp as a campaign file, header first.
func MarshalCampaign(cp Campaign, header string) ([]byte, error) {
	body, err := yaml.Marshal(cp)
	if err != nil {
		return nil, fmt.Errorf("config: campaign: %w", err)
	}
	return append([]byte(header), body...), nil
}
