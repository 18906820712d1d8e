import { blocksHtml, mrkdwnHtml, plainTextHtml } from '../../devstack/slack';

/** Slack's text formats as the channel view shows them: parsed as Slack parses them, then inert. */
describe('mrkdwn and plain_text as HTML', () => {
  const names = { user: (id: string) => ({ U1: 'alice', U2: 'bob' } as Record<string, string>)[id], channel: (id: string) => (id === 'C1' ? 'general' : undefined) };
  const md = (text: string) => mrkdwnHtml(text, names);

  test.each([
    ['bold, italic, strike, code', '*b* _i_ ~s~ `c_d`', '<strong>b</strong> <em>i</em> <del>s</del> <code>c_d</code>'],
    ['markers inside words do nothing', 'snake_case_name 2*3*4 a~b~c', 'snake_case_name 2*3*4 a~b~c'],
    ['a user mention shows the current name; its label is ignored', '<@U1> <@U2|ceo> <@U9|admin>', '<span class="mention user" data-user="U1">@alice</span> <span class="mention user" data-user="U2">@bob</span> <span class="mention user" data-user="U9">@U9</span>'],
    ['channel mentions', '<#C1> <#C2|secret>', '<span class="mention channel" data-channel="C1">#general</span> <span class="mention channel" data-channel="C2">#secret</span>'],
    ['broadcasts, groups, dates', '<!here> <!channel> <!everyone> <!subteam^S1|@ops> <!date^1392734382^{date}|Feb 18>', '<span class="mention broadcast">@here</span> <span class="mention broadcast">@channel</span> <span class="mention broadcast">@everyone</span> <span class="mention group">@ops</span> Feb 18'],
    ['an http link with a label', '<https://example.org/a?x=1&amp;y=2|the page>', '<a class="link" href="https://example.org/a?x=1&amp;y=2" target="_blank" rel="noopener noreferrer nofollow">the page</a>'],
    ['a mailto link without a label', '<mailto:a@example.org>', '<a class="link" href="mailto:a@example.org" target="_blank" rel="noopener noreferrer nofollow">mailto:a@example.org</a>'],
    ['javascript: and data: are never links', '<javascript:alert(1)|x> <data:text/html,hi|y>', 'x y'],
    ['a quote in a URL cannot leave the attribute', '<https://x.example/" onmouseover="alert(1)|z>', '<a class="link" href="https://x.example/&quot; onmouseover=&quot;alert(1)" target="_blank" rel="noopener noreferrer nofollow">z</a>'],
    ['escaped markup shows as typed', '&lt;script&gt;alert(1)&lt;/script&gt; &lt;!channel&gt; &amp;lt;', '&lt;script&gt;alert(1)&lt;/script&gt; &lt;!channel&gt; &amp;lt;'],
    ['raw markup that is no control sequence is text, never a tag', '<script>alert(1)</script><img src=x onerror=alert(1)>', 'scriptalert(1)/scriptimg src=x onerror=alert(1)'],
    ['code is not parsed', '`<@U1> *b*` ```<!here>\n*x*```', '<code>&lt;@U1&gt; *b*</code> <pre class="mrkdwn-pre">&lt;!here&gt;\n*x*</pre>'],
    ['quotes and line breaks', '> one\n> *two*\nthree', '<blockquote>one<br><strong>two</strong></blockquote>three'],
    ['known emoji codes, unknown ones as typed', ':white_check_mark: :not_an_emoji:', '<span class="emoji" title=":white_check_mark:">✅</span> :not_an_emoji:'],
    ['the view\'s own placeholder characters in the text change nothing', '\uE0000\uE001 <@U1>', '0 <span class="mention user" data-user="U1">@alice</span>'],
  ])('%s', (_name, text, html) => {
    expect(md(text)).toBe(html);
  });

  test('plain_text is shown as written; emoji codes only when emoji is not false', () => {
    expect(plainTextHtml('<!channel> <https://evil|x> *b* :x:\nline', false)).toBe('&lt;!channel&gt; &lt;https://evil|x&gt; *b* :x:<br>line');
    expect(plainTextHtml(':x: & "q"')).toBe('<span class="emoji" title=":x:">❌</span> &amp; &quot;q&quot;');
  });

  test('button values, action ids and block ids are attributes that cannot be broken out of', () => {
    const html = blocksHtml([{ type: 'actions', block_id: 'b"><script>', elements: [{ type: 'button', action_id: 'a" onclick="x', value: "v'><img>", text: { type: 'plain_text', text: '<b>Go</b>' }, style: 'primary' }] }], { names });
    expect(html).toBe('<div class="bk-actions" data-block-id="b&quot;&gt;&lt;script&gt;"><button type="button" class="bk-button bk-primary" data-action-id="a&quot; onclick=&quot;x" data-block-id="b&quot;&gt;&lt;script&gt;" data-value="v&#39;&gt;&lt;img&gt;">&lt;b&gt;Go&lt;/b&gt;</button></div>');
  });

  test('a link button opens only http(s); a style Slack does not know is dropped; images are their alt text', () => {
    const html = blocksHtml([
      { type: 'actions', elements: [{ type: 'button', action_id: 'u', url: 'javascript:alert(1)', style: 'evil" x="', text: { type: 'plain_text', text: 'Open' } }] },
      { type: 'image', image_url: 'https://tracker.example/pixel.gif', alt_text: 'a <chart>' },
    ], { names });
    expect(html).not.toContain('javascript:');
    expect(html).not.toContain('tracker.example');
    expect(html).toContain('<button type="button" class="bk-button" data-action-id="u" data-block-id="gen0">Open</button>');
    expect(html).toContain('aria-label="a &lt;chart&gt;"');
  });
});
