// A tiny MCP client on the official Go SDK v1.8 (github.com/modelcontextprotocol/go-sdk), run by
// test/interop/go-modern.test.ts against the gateway. Unlike go-client it does not pin a version:
// the SDK opens with server/discover at its latest revision (2026-07-28) and speaks it statelessly
// when the server offers it, falling back to initialize otherwise. One line of JSON per step.
//
// The held writes use the revision's own mechanism: the gateway answers a held tools/call with an
// input_required result (an elicitation telling who decides, where, until when); the SDK hands it
// to the elicitation handler below, which says "held" and waits for a line on stdin (the test
// decides in the access workflow, then writes one), and the SDK retries the call with the
// requestState: the gateway then runs it once (approved) or says who denied it and why.
//
//	GATEHOUSE_MCP_URL=http://127.0.0.1:PORT/mcp/TARGET GATEHOUSE_GRANT_TOKEN=ghg_... go-modern-client
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// bearer adds the grant token and remembers which MCP methods and protocol versions went out.
type bearer struct {
	token string
	base  http.RoundTripper
	mu    *sync.Mutex
	seen  *[]string
}

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	b.mu.Lock()
	*b.seen = append(*b.seen, fmt.Sprintf("%s %s %s", r.Method, r.Header.Get("Mcp-Method"), r.Header.Get("Mcp-Protocol-Version")))
	b.mu.Unlock()
	return b.base.RoundTrip(r)
}

func say(step string, fields map[string]any) {
	fields["step"] = step
	line, _ := json.Marshal(fields)
	fmt.Println(string(line))
}

func text(r *mcp.CallToolResult) string {
	var parts []string
	for _, c := range r.Content {
		if t, ok := c.(*mcp.TextContent); ok {
			parts = append(parts, t.Text)
		}
	}
	return strings.Join(parts, "\n")
}

func main() {
	if err := run(); err != nil {
		say("failed", map[string]any{"error": err.Error()})
		os.Exit(1)
	}
}

func run() error {
	url, token := os.Getenv("GATEHOUSE_MCP_URL"), os.Getenv("GATEHOUSE_GRANT_TOKEN")
	if url == "" || token == "" {
		return errors.New("set GATEHOUSE_MCP_URL and GATEHOUSE_GRANT_TOKEN")
	}
	ctx := context.Background()
	var mu sync.Mutex
	var seen []string
	stdin := bufio.NewScanner(os.Stdin)
	rounds := 0
	elicit := func(ctx context.Context, req *mcp.ElicitRequest) (*mcp.ElicitResult, error) {
		rounds++
		say("held", map[string]any{"mode": req.Params.Mode, "message": req.Params.Message, "round": rounds})
		if !stdin.Scan() {
			return &mcp.ElicitResult{Action: "cancel"}, nil
		}
		return &mcp.ElicitResult{Action: "accept", Content: map[string]any{}}, nil
	}
	client := mcp.NewClient(&mcp.Implementation{Name: "gatehouse-interop-go-sdk-modern", Version: "1.0.0"}, &mcp.ClientOptions{ElicitationHandler: elicit})
	transport := &mcp.StreamableClientTransport{Endpoint: url, HTTPClient: &http.Client{Transport: bearer{token, http.DefaultTransport, &mu, &seen}}, MaxRetries: -1}
	session, err := client.Connect(ctx, transport, nil)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	init := session.InitializeResult()
	mu.Lock()
	opening := append([]string(nil), seen...)
	mu.Unlock()
	say("connected", map[string]any{"server": init.ServerInfo.Name, "protocol": init.ProtocolVersion, "session": session.ID() != "", "requests": opening})

	tools, err := session.ListTools(ctx, nil)
	if err != nil {
		return fmt.Errorf("tools/list: %w", err)
	}
	var names []string
	for _, t := range tools.Tools {
		names = append(names, t.Name)
	}
	say("list", map[string]any{"tools": names})

	read, err := session.CallTool(ctx, &mcp.CallToolParams{Name: "echo", Arguments: map[string]any{"message": os.Getenv("INTEROP_READ")}})
	if err != nil {
		return fmt.Errorf("read: %w", err)
	}
	say("read", map[string]any{"text": text(read), "isError": read.IsError})

	if write := os.Getenv("INTEROP_WRITE"); write != "" {
		approved, err := session.CallTool(ctx, &mcp.CallToolParams{Name: "echo", Arguments: map[string]any{"message": write}})
		if err != nil {
			return fmt.Errorf("held write: %w", err)
		}
		say("approved", map[string]any{"text": text(approved), "isError": approved.IsError, "rounds": rounds})
		rounds = 0
		denied, err := session.CallTool(ctx, &mcp.CallToolParams{Name: "echo", Arguments: map[string]any{"message": os.Getenv("INTEROP_WAITED_WRITE")}})
		if err != nil {
			return fmt.Errorf("denied write: %w", err)
		}
		say("denied", map[string]any{"text": text(denied), "isError": denied.IsError, "rounds": rounds})
	}

	if err := session.Close(); err != nil {
		return fmt.Errorf("close: %w", err)
	}
	mu.Lock()
	all := append([]string(nil), seen...)
	mu.Unlock()
	say("closed", map[string]any{"requests": all})
	return nil
}
