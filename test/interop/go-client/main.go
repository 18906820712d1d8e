// A tiny MCP client built on the official Go SDK (github.com/modelcontextprotocol/go-sdk), run by
// test/interop/go-sdk.test.ts against the gateway. It is what a third-party client does, nothing
// more: the Authorization header on every request (DELETE included), a 2025-era session, one line
// of JSON on stdout per step so the test can read what the client saw.
//
//	GATEHOUSE_MCP_URL=http://127.0.0.1:PORT/mcp/TARGET GATEHOUSE_GRANT_TOKEN=ghg_... go-client
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
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

type bearer struct {
	token string
	base  http.RoundTripper
}

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
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
	progress := make(chan string, 16)
	client := mcp.NewClient(&mcp.Implementation{Name: "gatehouse-interop-go-sdk", Version: "1.0.0"}, &mcp.ClientOptions{
		ProgressNotificationHandler: func(_ context.Context, req *mcp.ProgressNotificationClientRequest) {
			select {
			case progress <- req.Params.Message:
			default:
			}
		},
	})
	transport := &mcp.StreamableClientTransport{Endpoint: url, HTTPClient: &http.Client{Transport: bearer{token, http.DefaultTransport}}, MaxRetries: -1}
	session, err := client.Connect(ctx, transport, &mcp.ClientSessionOptions{ProtocolVersion: "2025-06-18"})
	if err != nil {
		return fmt.Errorf("initialize: %w", err)
	}
	init := session.InitializeResult()
	say("initialize", map[string]any{"server": init.ServerInfo.Name, "protocol": init.ProtocolVersion, "session": session.ID() != ""})

	tools, err := session.ListTools(ctx, nil)
	if err != nil {
		return fmt.Errorf("tools/list: %w", err)
	}
	var names []string
	for _, t := range tools.Tools {
		names = append(names, t.Name)
	}
	say("list", map[string]any{"tools": names})

	call := func(c context.Context, message string, withProgress any) (*mcp.CallToolResult, error) {
		params := &mcp.CallToolParams{Name: "echo", Arguments: map[string]any{"message": message}}
		if withProgress != nil {
			params.SetProgressToken(withProgress)
		}
		return session.CallTool(c, params)
	}

	// A read: forwarded, its result masked by the gateway.
	read, err := call(ctx, os.Getenv("INTEROP_READ"), nil)
	if err != nil {
		return fmt.Errorf("read: %w", err)
	}
	say("read", map[string]any{"text": text(read), "isError": read.IsError})

	// A write without a progress token: answered at once with a tool result saying it is held.
	held, err := call(ctx, os.Getenv("INTEROP_WRITE"), nil)
	if err != nil {
		return fmt.Errorf("held write: %w", err)
	}
	say("held", map[string]any{"text": text(held), "isError": held.IsError})

	// The same kind of write with a progress token: the call waits for the approver.
	say("waiting", map[string]any{})
	waited, err := call(ctx, os.Getenv("INTEROP_WAITED_WRITE"), "interop-wait")
	if err != nil {
		say("waited", map[string]any{"error": err.Error()})
	} else {
		say("waited", map[string]any{"text": text(waited), "isError": waited.IsError})
	}

	// A held write the client gives up on: cancelling the context sends notifications/cancelled.
	for len(progress) > 0 {
		<-progress
	}
	cancelCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() {
		_, err := call(cancelCtx, os.Getenv("INTEROP_CANCELLED_WRITE"), "interop-cancel")
		done <- err
	}()
	select {
	case message := <-progress:
		say("cancelling", map[string]any{"progress": message})
	case <-time.After(30 * time.Second):
		say("cancelling", map[string]any{"progress": ""})
	}
	cancel()
	cancelErr := <-done
	say("cancelled", map[string]any{"error": fmt.Sprint(cancelErr)})

	// The SDK sends notifications/cancelled in the background: the test says when it has seen the
	// withdrawal (a line on stdin), so closing does not race it.
	bufio.NewReader(os.Stdin).ReadString('\n')

	// Closing the session sends DELETE (with the Authorization header).
	if err := session.Close(); err != nil {
		return fmt.Errorf("close: %w", err)
	}
	say("closed", map[string]any{})
	return nil
}
