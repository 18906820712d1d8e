// A second, independent MCP client for Gatehouse's OAuth sign-in: the official Go SDK's
// authorization code handler (discovery, dynamic registration or a client ID metadata
// document, PKCE, RFC 8707 resource, RFC 9207 iss), knowing nothing but the MCP URL.
//
// It prints one JSON object per line on stdout, for the test (or a person) that drives it:
//
//	{"event":"authorize","url":"..."}   open this in a browser and sign in
//	{"event":"connected"}
//	{"event":"tools","names":[...]}
//	{"event":"result","tool":"echo","text":"..."}
//	{"event":"error","message":"..."}   (exit status 1)
//
// Usage: go run . -url http://127.0.0.1:8080/mcp/<target> [-client-name NAME] [-metadata-url URL] [-message TEXT]
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/modelcontextprotocol/go-sdk/oauthex"
)

func emit(fields map[string]any) {
	line, _ := json.Marshal(fields)
	fmt.Println(string(line))
}

func fail(format string, args ...any) {
	emit(map[string]any{"event": "error", "message": fmt.Sprintf(format, args...)})
	os.Exit(1)
}

// receiver is the loopback redirect URI (RFC 8252 §7.3): it takes the one redirect of the sign-in.
type receiver struct {
	results chan *auth.AuthorizationResult
	server  *http.Server
}

func (r *receiver) fetchCode(ctx context.Context, args *auth.AuthorizationArgs) (*auth.AuthorizationResult, error) {
	emit(map[string]any{"event": "authorize", "url": args.URL})
	select {
	case res := <-r.results:
		return res, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func main() {
	mcpURL := flag.String("url", "", "the Gatehouse MCP endpoint, e.g. http://127.0.0.1:8080/mcp/everything")
	clientName := flag.String("client-name", "Gatehouse Go interop client", "the client_name sent with dynamic registration")
	metadataURL := flag.String("metadata-url", "", "a client ID metadata document URL to use instead of dynamic registration")
	message := flag.String("message", "hello from Go", "what the echo tool is asked to echo")
	timeout := flag.Duration("timeout", 3*time.Minute, "how long the whole run may take")
	flag.Parse()
	if *mcpURL == "" {
		fail("-url is required")
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()

	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fail("cannot listen on loopback: %v", err)
	}
	redirectURL := fmt.Sprintf("http://127.0.0.1:%d/callback", listener.Addr().(*net.TCPAddr).Port)
	recv := &receiver{results: make(chan *auth.AuthorizationResult, 1)}
	mux := http.NewServeMux()
	mux.HandleFunc("/callback", func(w http.ResponseWriter, req *http.Request) {
		q := req.URL.Query()
		if e := q.Get("error"); e != "" {
			fmt.Fprintf(w, "Sign-in refused: %s", q.Get("error_description"))
			emit(map[string]any{"event": "error", "message": fmt.Sprintf("%s: %s", e, q.Get("error_description"))})
			os.Exit(1)
		}
		select {
		case recv.results <- &auth.AuthorizationResult{Code: q.Get("code"), State: q.Get("state"), Iss: q.Get("iss")}:
		default:
		}
		fmt.Fprint(w, "Signed in. You can close this window.")
	})
	recv.server = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := recv.server.Serve(listener); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fail("redirect receiver: %v", err)
		}
	}()
	defer recv.server.Close()

	config := &auth.AuthorizationCodeHandlerConfig{RedirectURL: redirectURL, AuthorizationCodeFetcher: recv.fetchCode}
	if *metadataURL != "" {
		config.ClientIDMetadataDocumentConfig = &auth.ClientIDMetadataDocumentConfig{URL: *metadataURL}
	} else {
		config.DynamicClientRegistrationConfig = &auth.DynamicClientRegistrationConfig{
			Metadata: &oauthex.ClientRegistrationMetadata{ClientName: *clientName, RedirectURIs: []string{redirectURL}, TokenEndpointAuthMethod: "none"},
		}
	}
	handler, err := auth.NewAuthorizationCodeHandler(config)
	if err != nil {
		fail("auth handler: %v", err)
	}

	client := mcp.NewClient(&mcp.Implementation{Name: "gatehouse-go-interop", Version: "1.0.0"}, nil)
	session, err := client.Connect(ctx, &mcp.StreamableClientTransport{Endpoint: *mcpURL, OAuthHandler: handler}, nil)
	if err != nil {
		fail("connect: %v", err)
	}
	defer session.Close()
	emit(map[string]any{"event": "connected"})

	tools, err := session.ListTools(ctx, nil)
	if err != nil {
		fail("tools/list: %v", err)
	}
	names := []string{}
	for _, t := range tools.Tools {
		names = append(names, t.Name)
	}
	emit(map[string]any{"event": "tools", "names": names})

	result, err := session.CallTool(ctx, &mcp.CallToolParams{Name: "echo", Arguments: map[string]any{"message": *message}})
	if err != nil {
		fail("tools/call echo: %v", err)
	}
	text := ""
	for _, c := range result.Content {
		if t, ok := c.(*mcp.TextContent); ok {
			text += t.Text
		}
	}
	emit(map[string]any{"event": "result", "tool": "echo", "text": text, "isError": result.IsError})
}
