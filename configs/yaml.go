package configs

import (
	"fmt"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// unknownKey is a key in a YAML file that no field takes.
type unknownKey struct {
	path string
	line int
}

// decodeStrict decodes YAML data from source over out (a pointer to a
// struct), refusing keys no field takes with a *KeyError naming them. Its
// errors are ready to show: one line, prefixed "config: ".
func decodeStrict(data []byte, source string, out any) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("config: %s: %s", source, oneLine(err))
	}
	if len(doc.Content) == 0 {
		return nil // empty file
	}
	var unknown []unknownKey
	findUnknown(doc.Content[0], reflect.TypeOf(out), "", &unknown)
	if len(unknown) > 0 {
		msg := fmt.Sprintf("unknown key (%s, line %d)", source, unknown[0].line)
		if len(unknown) > 1 {
			var more []string
			for _, u := range unknown[1:] {
				more = append(more, fmt.Sprintf("%s (line %d)", u.path, u.line))
			}
			msg += "; also unknown: " + strings.Join(more, ", ")
		}
		return &KeyError{Key: unknown[0].path, Msg: msg}
	}
	if err := doc.Decode(out); err != nil {
		return fmt.Errorf("config: %s: %s", source, oneLine(err))
	}
	return nil
}

// findUnknown walks n against type t and appends the mapping keys that have
// no field, as dotted paths below path.
func findUnknown(n *yaml.Node, t reflect.Type, path string, out *[]unknownKey) {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t.Kind() == reflect.Struct && n.Kind == yaml.MappingNode:
		fields := yamlFields(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			p := join(path, k.Value)
			f, ok := fields[k.Value]
			if !ok {
				*out = append(*out, unknownKey{path: p, line: k.Line})
				continue
			}
			findUnknown(v, f.Type, p, out)
		}
	case t.Kind() == reflect.Map && n.Kind == yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			findUnknown(n.Content[i+1], t.Elem(), join(path, n.Content[i].Value), out)
		}
	case t.Kind() == reflect.Slice && n.Kind == yaml.SequenceNode:
		for i, e := range n.Content {
			findUnknown(e, t.Elem(), fmt.Sprintf("%s[%d]", path, i), out)
		}
	}
}

// yamlFields maps the YAML names of t's fields to the fields.
func yamlFields(t reflect.Type) map[string]reflect.StructField {
	fields := make(map[string]reflect.StructField)
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		fields[name] = f
	}
	return fields
}

// hasKey reports whether the YAML document data sets the nested key path.
func hasKey(data []byte, path ...string) bool {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 {
		return false
	}
	n := doc.Content[0]
next:
	for _, key := range path {
		if n.Kind != yaml.MappingNode {
			return false
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				n = n.Content[i+1]
				continue next
			}
		}
		return false
	}
	return true
}

// join appends key to a dotted path.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// oneLine folds a multi-line YAML error into one line.
func oneLine(err error) string {
	s := strings.TrimPrefix(err.Error(), "yaml: ")
	s = strings.TrimPrefix(s, "unmarshal errors:\n")
	var parts []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			parts = append(parts, l)
		}
	}
	s = strings.Join(parts, "; ")
	if strings.Contains(s, "into time.Duration") {
		s += ` (write durations like "4.5s" or "300s")`
	}
	return s
}
