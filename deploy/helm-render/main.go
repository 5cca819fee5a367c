// helm-render renders a Helm chart's templates with Go's own text/template, the engine Helm uses, so the
// chart's templates are checked by the real parser and executor without a Helm binary.
//
// Input (JSON on stdin), prepared by deploy/src/helm/render-chart.ts, which reads Chart.yaml and values.yaml,
// merges value overrides and validates them against values.schema.json as Helm does:
//
//	{ "templates": { "ferry/templates/worker.yaml": "<text>", ... },
//	  "values": {...}, "chart": {"Name": ..., "Version": ..., "AppVersion": ...},
//	  "release": {"Name": ..., "Namespace": ..., "Service": "Helm", "IsInstall": true, "IsUpgrade": false, "Revision": 1},
//	  "capabilities": {"KubeVersion": {"Version": "v1.31.0", "Major": "1", "Minor": "31"}, "APIVersions": [...]} }
//
// Output (JSON on stdout): { "manifests": { "<template name>": "<rendered text>" } } for every template whose
// file name does not start with "_" (Helm's partials), NOTES.txt included; or { "error": "<message>" } and exit 1.
//
// As in Helm: every template is parsed into one set (so `define`d names are shared), values are JSON-typed
// (numbers are float64, as Helm's YAML-to-JSON loading makes them), a missing key renders as "" (Helm's
// non-strict mode), and each file sees .Values .Chart .Release .Capabilities .Template.
//
// Functions: Go's built-ins plus the subset of Helm/Sprig the chart uses, implemented here with the standard
// library only and Sprig's semantics: include required fail tpl toYaml toJson indent nindent default empty
// coalesce ternary quote squote trunc trimSuffix trimPrefix trim replace lower upper contains hasPrefix
// hasSuffix b64enc sha256sum dict list hasKey int toString join kindIs. A template that calls any other
// function fails to parse here, which keeps the chart inside this documented subset.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"text/template"
)

type input struct {
	Templates    map[string]string      `json:"templates"`
	Values       map[string]interface{} `json:"values"`
	Chart        map[string]interface{} `json:"chart"`
	Release      map[string]interface{} `json:"release"`
	Capabilities map[string]interface{} `json:"capabilities"`
}

func main() {
	var in input
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		fail(fmt.Errorf("reading the input JSON: %w", err))
	}
	out, err := render(in)
	if err != nil {
		fail(err)
	}
	_ = json.NewEncoder(os.Stdout).Encode(map[string]interface{}{"manifests": out})
}

func fail(err error) {
	_ = json.NewEncoder(os.Stdout).Encode(map[string]string{"error": err.Error()})
	os.Exit(1)
}

func render(in input) (map[string]string, error) {
	root := template.New("gotpl").Option("missingkey=zero")
	root.Funcs(funcMap(root))
	names := make([]string, 0, len(in.Templates))
	for name := range in.Templates {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if _, err := root.New(name).Parse(in.Templates[name]); err != nil {
			return nil, fmt.Errorf("parse error in %s: %w", name, err)
		}
	}
	out := map[string]string{}
	for _, name := range names {
		base := name[strings.LastIndex(name, "/")+1:]
		if strings.HasPrefix(base, "_") {
			continue
		}
		data := map[string]interface{}{
			"Values":       in.Values,
			"Chart":        in.Chart,
			"Release":      in.Release,
			"Capabilities": in.Capabilities,
			"Template":     map[string]interface{}{"Name": name, "BasePath": name[:strings.LastIndex(name, "/")]},
		}
		var buf bytes.Buffer
		if err := root.ExecuteTemplate(&buf, name, data); err != nil {
			return nil, fmt.Errorf("render error in %s: %w", name, err)
		}
		out[name] = strings.ReplaceAll(buf.String(), "<no value>", "")
	}
	return out, nil
}

func funcMap(root *template.Template) template.FuncMap {
	includeDepth := 0
	return template.FuncMap{
		"include": func(name string, data interface{}) (string, error) {
			includeDepth++
			defer func() { includeDepth-- }()
			if includeDepth > 100 {
				return "", fmt.Errorf("include %q: nested too deeply", name)
			}
			var buf bytes.Buffer
			if err := root.ExecuteTemplate(&buf, name, data); err != nil {
				return "", err
			}
			return strings.ReplaceAll(buf.String(), "<no value>", ""), nil
		},
		"tpl": func(text string, data interface{}) (string, error) {
			t, err := root.Clone()
			if err != nil {
				return "", err
			}
			t, err = t.New("tpl").Parse(text)
			if err != nil {
				return "", err
			}
			var buf bytes.Buffer
			if err := t.Execute(&buf, data); err != nil {
				return "", err
			}
			return strings.ReplaceAll(buf.String(), "<no value>", ""), nil
		},
		"required": func(msg string, v interface{}) (interface{}, error) {
			if v == nil {
				return nil, errors.New(msg)
			}
			if s, ok := v.(string); ok && s == "" {
				return nil, errors.New(msg)
			}
			return v, nil
		},
		"fail":     func(msg string) (string, error) { return "", errors.New(msg) },
		"toYaml":   func(v interface{}) string { return strings.TrimSuffix(toYAML(v, 0), "\n") },
		"toJson":   toJSON,
		"indent":   indent,
		"nindent":  func(n int, s string) string { return "\n" + indent(n, s) },
		"default":  func(d interface{}, given ...interface{}) interface{} { return dflt(d, given...) },
		"empty":    empty,
		"coalesce": coalesce,
		"ternary": func(a, b interface{}, cond bool) interface{} {
			if cond {
				return a
			}
			return b
		},
		"quote": func(args ...interface{}) string {
			out := make([]string, 0, len(args))
			for _, a := range args {
				if a != nil {
					out = append(out, strconv.Quote(strval(a)))
				}
			}
			return strings.Join(out, " ")
		},
		"squote": func(args ...interface{}) string {
			out := make([]string, 0, len(args))
			for _, a := range args {
				if a != nil {
					out = append(out, "'"+strval(a)+"'")
				}
			}
			return strings.Join(out, " ")
		},
		"trunc": func(n int, s string) string {
			if n >= 0 && len(s) > n {
				return s[:n]
			}
			if n < 0 && len(s) > -n {
				return s[len(s)+n:]
			}
			return s
		},
		"trimSuffix": func(suffix, s string) string { return strings.TrimSuffix(s, suffix) },
		"trimPrefix": func(prefix, s string) string { return strings.TrimPrefix(s, prefix) },
		"trim":       strings.TrimSpace,
		"replace":    func(old, new, s string) string { return strings.ReplaceAll(s, old, new) },
		"lower":      strings.ToLower,
		"upper":      strings.ToUpper,
		"contains":   func(sub, s string) bool { return strings.Contains(s, sub) },
		"hasPrefix":  func(prefix, s string) bool { return strings.HasPrefix(s, prefix) },
		"hasSuffix":  func(suffix, s string) bool { return strings.HasSuffix(s, suffix) },
		"b64enc":     func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) },
		"sha256sum": func(s string) string {
			h := sha256.Sum256([]byte(s))
			return hex.EncodeToString(h[:])
		},
		"dict": func(kv ...interface{}) (map[string]interface{}, error) {
			if len(kv)%2 != 0 {
				return nil, errors.New("dict needs key/value pairs")
			}
			m := map[string]interface{}{}
			for i := 0; i < len(kv); i += 2 {
				m[strval(kv[i])] = kv[i+1]
			}
			return m, nil
		},
		"list": func(v ...interface{}) []interface{} { return v },
		"hasKey": func(m map[string]interface{}, k string) bool {
			_, ok := m[k]
			return ok
		},
		"int":      toInt,
		"toString": strval,
		"join": func(sep string, v interface{}) string {
			items := []string{}
			if l, ok := v.([]interface{}); ok {
				for _, x := range l {
					items = append(items, strval(x))
				}
			} else if l, ok := v.([]string); ok {
				items = l
			}
			return strings.Join(items, sep)
		},
		"kindIs": func(kind string, v interface{}) bool { return kindOf(v) == kind },
	}
}

func indent(n int, s string) string {
	pad := strings.Repeat(" ", n)
	return pad + strings.ReplaceAll(s, "\n", "\n"+pad)
}

func kindOf(v interface{}) string {
	if v == nil {
		return "invalid"
	}
	return reflect.TypeOf(v).Kind().String()
}

// empty is Sprig's: nil, false, 0, "" and empty collections are empty.
func empty(v interface{}) bool {
	if v == nil {
		return true
	}
	r := reflect.ValueOf(v)
	switch r.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return r.Len() == 0
	case reflect.Bool:
		return !r.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return r.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return r.Uint() == 0
	case reflect.Float32, reflect.Float64:
		return r.Float() == 0
	case reflect.Ptr, reflect.Interface:
		return r.IsNil()
	}
	return false
}

func dflt(d interface{}, given ...interface{}) interface{} {
	if len(given) == 0 || empty(given[0]) {
		return d
	}
	return given[0]
}

func coalesce(v ...interface{}) interface{} {
	for _, x := range v {
		if !empty(x) {
			return x
		}
	}
	return nil
}

func strval(v interface{}) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case []byte:
		return string(x)
	case error:
		return x.Error()
	case fmt.Stringer:
		return x.String()
	default:
		return fmt.Sprintf("%v", v)
	}
}

func toInt(v interface{}) (int, error) {
	switch x := v.(type) {
	case float64:
		return int(x), nil
	case int:
		return x, nil
	case int64:
		return int(x), nil
	case string:
		return strconv.Atoi(x)
	case nil:
		return 0, nil
	}
	return 0, fmt.Errorf("int: cannot convert %T", v)
}

func toJSON(v interface{}) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

// toYAML writes JSON-typed data as block YAML the way Helm's toYaml (sigs.k8s.io/yaml) does: keys sorted,
// two-space indentation, list items at their key's indentation, strings quoted when YAML would read them as
// anything but a string.
func toYAML(v interface{}, level int) string {
	pad := strings.Repeat("  ", level)
	switch x := v.(type) {
	case map[string]interface{}:
		if len(x) == 0 {
			return "{}\n"
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b strings.Builder
		for _, k := range keys {
			b.WriteString(pad + scalar(k) + ":")
			writeChild(&b, x[k], level, true)
		}
		return b.String()
	case []interface{}:
		if len(x) == 0 {
			return "[]\n"
		}
		var b strings.Builder
		for _, item := range x {
			b.WriteString(pad + "-")
			writeChild(&b, item, level, false)
		}
		return b.String()
	default:
		return scalar(v) + "\n"
	}
}

func writeChild(b *strings.Builder, v interface{}, level int, underKey bool) {
	switch c := v.(type) {
	case map[string]interface{}:
		if len(c) == 0 {
			b.WriteString(" {}\n")
			return
		}
		if underKey {
			b.WriteString("\n" + toYAML(c, level+1))
			return
		}
		// A map in a list: its first key on the dash's line, the others under it.
		inner := toYAML(c, level+1)
		b.WriteString(" " + strings.TrimPrefix(inner, strings.Repeat("  ", level+1)))
	case []interface{}:
		if len(c) == 0 {
			b.WriteString(" []\n")
			return
		}
		if underKey {
			b.WriteString("\n" + toYAML(c, level))
			return
		}
		inner := toYAML(c, level+1)
		b.WriteString(" " + strings.TrimPrefix(inner, strings.Repeat("  ", level+1)))
	default:
		b.WriteString(" " + scalar(v) + "\n")
	}
}

var plain = regexp.MustCompile(`^[A-Za-z_/][A-Za-z0-9_./-]*$`)
var reserved = map[string]bool{"true": true, "false": true, "yes": true, "no": true, "on": true, "off": true,
	"y": true, "n": true, "null": true, "~": true}

func scalar(v interface{}) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return strconv.FormatBool(x)
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1e15 {
			return strconv.FormatInt(int64(x), 10)
		}
		return strconv.FormatFloat(x, 'g', -1, 64)
	case string:
		if plain.MatchString(x) && !reserved[strings.ToLower(x)] {
			return x
		}
		b, _ := json.Marshal(x)
		return string(b)
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}
