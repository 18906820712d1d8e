// A tiny MCP client built on github.com/mark3labs/mcp-go, run by test/interop/mcp-go.test.ts
// against the gateway. It behaves as mcp-go does: the Authorization header on its requests but
// not on the DELETE that ends the session; cancelling a call only closes its HTTP request (no
// notifications/cancelled over HTTP). One line of JSON on stdout per step.
//
//	GATEHOUSE_MCP_URL=http://127.0.0.1:PORT/mcp/TARGET GATEHOUSE_GRANT_TOKEN=ghg_... mcp-go-client
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/mark3labs/mcp-go/client"
	"github.com/mark3labs/mcp-go/client/transport"
	"github.com/mark3labs/mcp-go/mcp"
)

func say(step string, fields map[string]any) {
	fields["step"] = step
	line, _ := json.Marshal(fields)
	fmt.Println(string(line))
}

func text(r *mcp.CallToolResult) string {
	var parts []string
	for _, c := range r.Content {
		if t, ok := c.(mcp.TextContent); ok {
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
	c, err := client.NewStreamableHttpClient(url, transport.WithHTTPHeaders(map[string]string{"Authorization": "Bearer " + token}))
	if err != nil {
		return err
	}
	progress := make(chan string, 16)
	c.OnNotification(func(n mcp.JSONRPCNotification) {
		if n.Method == "notifications/progress" {
			message, _ := n.Params.AdditionalFields["message"].(string)
			select {
			case progress <- message:
			default:
			}
		}
	})
	if err := c.Start(ctx); err != nil {
		return fmt.Errorf("start: %w", err)
	}
	init := mcp.InitializeRequest{}
	init.Params.ProtocolVersion = "2025-06-18"
	init.Params.ClientInfo = mcp.Implementation{Name: "gatehouse-interop-mcp-go", Version: "1.0.0"}
	initialized, err := c.Initialize(ctx, init)
	if err != nil {
		return fmt.Errorf("initialize: %w", err)
	}
	say("initialize", map[string]any{"server": initialized.ServerInfo.Name, "protocol": initialized.ProtocolVersion})

	tools, err := c.ListTools(ctx, mcp.ListToolsRequest{})
	if err != nil {
		return fmt.Errorf("tools/list: %w", err)
	}
	var names []string
	for _, t := range tools.Tools {
		names = append(names, t.Name)
	}
	say("list", map[string]any{"tools": names})

	call := func(cc context.Context, message string, progressToken any) (*mcp.CallToolResult, error) {
		req := mcp.CallToolRequest{}
		req.Params.Name = "echo"
		req.Params.Arguments = map[string]any{"message": message}
		if progressToken != nil {
			req.Params.Meta = &mcp.Meta{ProgressToken: progressToken}
		}
		return c.CallTool(cc, req)
	}

	read, err := call(ctx, os.Getenv("INTEROP_READ"), nil)
	if err != nil {
		return fmt.Errorf("read: %w", err)
	}
	say("read", map[string]any{"text": text(read), "isError": read.IsError})

	held, err := call(ctx, os.Getenv("INTEROP_WRITE"), nil)
	if err != nil {
		return fmt.Errorf("held write: %w", err)
	}
	say("held", map[string]any{"text": text(held), "isError": held.IsError})

	say("waiting", map[string]any{})
	waited, err := call(ctx, os.Getenv("INTEROP_WAITED_WRITE"), "interop-wait")
	if err != nil {
		say("waited", map[string]any{"error": err.Error()})
	} else {
		say("waited", map[string]any{"text": text(waited), "isError": waited.IsError})
	}

	// A held write the client gives up on: mcp-go only closes the HTTP request.
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
	say("cancelled", map[string]any{"error": fmt.Sprint(<-done)})

	// The test says when it has looked (a line on stdin); then DELETE, which mcp-go sends without Authorization.
	bufio.NewReader(os.Stdin).ReadString('\n')
	if err := c.Close(); err != nil {
		return fmt.Errorf("close: %w", err)
	}
	say("closed", map[string]any{})
	return nil
}
