import { describe, expect, it } from 'vitest';
import {
  extractFromHtml,
  extractFromMarkdown,
  extractFromText,
  normaliseDate,
  stripSiteName,
} from '../../src/knowledge/extract.js';
import { renderBriefingFile } from '../../src/knowledge/briefing-file.js';
import { decodeText } from '../../src/knowledge/fetch.js';
import { parseBriefing } from '../../src/knowledge/load.js';
import { ImportRefusal } from '../../src/knowledge/refusal.js';
import { fixture } from './fixture-server.js';

const page = (name: string) => decodeText(fixture(name), undefined, true);

/** Words of site furniture that must never reach a briefing. */
function expectNoneOf(paragraphs: string[], boilerplate: string[]): void {
  const all = paragraphs.join('\n');
  for (const b of boilerplate) expect(all, `"${b}" leaked into the body`).not.toContain(b);
}

describe('extractFromHtml on the fixture pages', () => {
  it('a government press release: the release’s paragraphs, no navigation, breadcrumbs, sidebar, share links or footer', async () => {
    const a = await extractFromHtml(page('press-release.html'), 'https://www.doi.example/pressreleases/salmon-habitat');
    expect(a).toMatchObject({
      title: 'Interior Department Announces $12 Million to Restore Salmon Habitat in the Columbia River Basin',
      // No og:site_name or JSON-LD: the site name after " | " in <title>.
      source: 'U.S. Department of the Interior',
      // From <time datetime> in the article.
      date: '2024-04-18',
      // The canonical link, on the same site as the page.
      url: 'https://www.doi.example/pressreleases/interior-department-announces-12-million-restore-salmon-habitat',
    });
    expect(a.paragraphs).toHaveLength(6);
    expect(a.paragraphs[0]).toBe(
      'WASHINGTON — The Department of the Interior today announced $12 million to restore salmon habitat in the Columbia River Basin, part of a plan to reopen 140 miles of spawning streams in Oregon, Washington and Idaho by 2027.',
    );
    expect(a.paragraphs[2]).toMatch(/^“Salmon have fed the people .* generations\.”$/);
    expect(a.paragraphs[5]).toBe(
      'The funding comes from the Bipartisan Infrastructure Law, which provides $200 million over five years for fish passage projects nationwide.',
    );
    expectNoneOf(a.paragraphs, [
      'official website of the United States',
      'Skip to main content',
      'Bureaus',
      'Press Releases',
      'Share:',
      'Facebook',
      'Print',
      'Related News',
      'Klamath',
      'Follow Us',
      'Subscribe',
      'Media Contact',
      'interior_press',
      'Tags',
      'Accessibility',
      'FOIA',
      '1849 C Street',
      '###',
      'gtag',
      'usa-banner',
    ]);
  });

  it('a news article with JSON-LD and OpenGraph: metadata from them, none of the cookie banner, ads, sign-up, comments or most-viewed list', async () => {
    const a = await extractFromHtml(page('news-article.html'), 'https://www.northernledger.example/business/2024/feb/09/halden-dock-strike-ends?utm_source=x');
    expect(a).toMatchObject({
      title: 'Dock workers end 11-day strike at Port of Halden after pay deal',
      source: 'The Northern Ledger',
      date: '2024-02-09',
      url: 'https://www.northernledger.example/business/2024/feb/09/halden-dock-strike-ends',
    });
    expect(a.paragraphs[0]).toBe(
      'Union members voted 71% in favour of a two-year agreement that raises wages by 9.5%',
    );
    expect(a.paragraphs.slice(1).map((p) => p.slice(0, 40))).toEqual([
      'Dock workers at the Port of Halden retur',
      "The Norwegian Transport Workers' Union s",
      '“This agreement recognises the work our ',
      'The port operator, Halden Havn, estimate',
      'Exporters of timber and aluminium had wa',
      'The agreement runs until March 2026. The',
    ]);
    expectNoneOf(a.paragraphs, [
      'cookies',
      'Accept all',
      'Subscribe from',
      'Business Today',
      'Sign up',
      'Share on',
      'Advertisement',
      'Related:',
      'Halden port strike begins',
      'Comments',
      'portwatcher',
      'Most viewed',
      'Energy bills',
      'Topics:',
      'Reuse this content',
      'All rights reserved',
      'Fri 9 Feb 2024',
      'ads.example',
    ]);
  });

  it('a page without any metadata: the <h1> as title, the host as source, no date, the fetched URL', async () => {
    const a = await extractFromHtml(page('no-metadata.html'), 'https://www.varden-water.example/varden/water.html');
    expect(a).toEqual({
      title: 'Water restrictions lifted in Varden county',
      source: 'varden-water.example',
      url: 'https://www.varden-water.example/varden/water.html',
      paragraphs: [
        expect.stringMatching(/^The county water board lifted the hosepipe ban/),
        expect.stringMatching(/^The ban had been in place since the middle of June/),
        expect.stringMatching(/^Board chairman Tomas Berg said/),
        'Farmers who draw water from the Elva river may irrigate again from Thursday.',
      ],
    });
    expectNoneOf(a.paragraphs, ['Home', 'Archive', 'maintained by', 'webmaster']);
  });

  it('a windows-1252 page (charset in the meta tag): every accent, quote, dash and € intact', async () => {
    const a = await extractFromHtml(page('windows-1252.html'), 'https://coop.example/communiques/zurich-sao-paulo.htm');
    expect(a.title).toBe('Communiqué: Zürich and São Paulo sign river-cleaning partnership');
    expect(a.source).toBe('Office of International Cooperation');
    // The page's only date is in its text ("Zürich, 14 November 2023"): no metadata, so none.
    expect(a.date).toBeUndefined();
    expect(a.paragraphs).toContain(
      '“The Limmat was once too dirty to swim in; today children learn to swim there,” said Zürich\'s head of public works, Regula Brändli. “We want to share what worked – and what did not.”',
    );
    expect(a.paragraphs.join(' ')).toContain('€18 million');
    expect(a.paragraphs.join(' ')).toContain('Señora Núñez');
    expectNoneOf(a.paragraphs, ['Home', 'Contact', 'Legal notice', '©']);
  });

  it('hostile HTML: no script, style, event handler, iframe, form or javascript: URL survives; text that looks like markup stays text', async () => {
    const a = await extractFromHtml(page('hostile.html'), 'https://varden.example/council/security-audit');
    const all = a.paragraphs.join('\n');
    for (const bad of ['fetch(', 'document.', 'alert(2)', 'alert(3)', 'alert(4)', 'alert(5)', 'alert(6)', 'alert(7)', 'alert(8)', 'alert(9)', 'alert(10)', 'onmouseover', 'onload', 'javascript:', 'svg text', 'Enable JavaScript', 'injected form text', 'written by script', 'background:url']) {
      expect(all, bad).not.toContain(bad);
    }
    // What the article says about scripts is article text (the Markdown escapes it).
    expect(all).toContain('a comment such as <img src=x onerror=alert(1)> or <script>alert(1)</script> was stored');
    expect(a.paragraphs[2]).toMatch(/^# Not a heading: .*\*asterisks\*, _underscores_ and \[brackets\]\(https:\/\/evil\.example\)\.$/);
  });

  it('refuses a page with nothing but navigation', async () => {
    await expect(
      extractFromHtml(
        '<html><head><title>Menu</title></head><body><nav><a href="/">Home</a> <a href="/a">About</a></nav></body></html>',
      ),
    ).rejects.toThrow(new ImportRefusal('the page has no article text that could be extracted'));
  });
});

describe('metadata rules', () => {
  it('stripSiteName drops a known site name at either end, and a short suffix only for <title>', () => {
    expect(stripSiteName('Port strike ends - The Ledger', ['The Ledger'])).toEqual({ title: 'Port strike ends', suffix: 'The Ledger' });
    expect(stripSiteName('The Ledger | Port strike ends', ['the ledger'])).toEqual({ title: 'Port strike ends' });
    expect(stripSiteName('Russia - North Korea talks resume', [])).toEqual({ title: 'Russia - North Korea talks resume' });
    expect(stripSiteName('New bridge opens in the north | City News', [], true)).toEqual({ title: 'New bridge opens in the north', suffix: 'City News' });
    expect(stripSiteName('Talks: day two', [], true)).toEqual({ title: 'Talks: day two' });
  });

  it('normaliseDate keeps the publisher’s day and never guesses', () => {
    expect(normaliseDate('2024-03-05T23:30:00-05:00')).toBe('2024-03-05');
    expect(normaliseDate('April 18, 2024')).toBe('2024-04-18');
    expect(normaliseDate('Fri 9 Feb 2024 17.42 CET')).toBe('2024-02-09');
    expect(normaliseDate('2024-02-30')).toBeUndefined();
    expect(normaliseDate('last Tuesday')).toBeUndefined();
    expect(normaliseDate('')).toBeUndefined();
  });
});

describe('text and Markdown', () => {
  it('a .txt: first line the title (unless given), blank lines between paragraphs', () => {
    const text = 'Board minutes\n\nFirst paragraph about dredging the basin,\nwrapped over two lines.\n\nSecond paragraph about the marina closing in August for three weeks.';
    expect(extractFromText(text)).toEqual({
      title: 'Board minutes',
      paragraphs: [
        'First paragraph about dredging the basin, wrapped over two lines.',
        'Second paragraph about the marina closing in August for three weeks.',
      ],
    });
    expect(extractFromText(text, { title: 'Given' }).paragraphs[0]).toBe('Board minutes');
    expect(() => extractFromText('Only a title\n')).toThrow(ImportRefusal);
  });

  it('a .md: front matter fields, else the first heading as title', () => {
    const withFront = extractFromMarkdown('---\ntitle: T\nsource: S\ndate: 2024-01-02\naliases: [A]\n---\n\nBody text long enough to count as an article body for the importer, with a second clause that adds a few more words.\n');
    expect(withFront).toMatchObject({ title: 'T', source: 'S', date: '2024-01-02', aliases: ['A'] });
    const bare = extractFromMarkdown('# A heading\n\nBody text long enough to count as an article body for the importer, with a second clause that adds a few more words.\n');
    expect(bare.title).toBe('A heading');
    expect(bare.source).toBeUndefined();
    expect(() => extractFromMarkdown('---\ntitle: [unclosed\n---\n\nText.')).toThrow(/front matter is not valid YAML/);
  });
});

describe('headings and tables on import', () => {
  const prose =
    'The harbour board met on Monday and agreed the dredging budget after a long debate about the marina, the ferry terminal and the fishing quay.';

  it('a .md keeps its headings as headings and reads a table one labelled row at a time', () => {
    const a = extractFromMarkdown(
      `---\ntitle: Harbour budget\n---\n\n${prose}\n\n## Spending\n\n| Item | 2027 |\n|---|---|\n| Dredging | $3M |\n\n- Ferry\n- Quay\n`,
    );
    expect(a.paragraphs).toEqual([prose, 'Spending', 'Item: Dredging; 2027: $3M', 'Ferry', 'Quay']);
    expect(a.headings).toEqual([1]);
    expect(a.items).toEqual([3, 4]);
  });

  it('an HTML page: <h2> is a heading, a <table> one labelled row per <tr>', async () => {
    const html = `<html><head><title>Harbour budget</title></head><body><article>
      <h1>Harbour budget</h1><p>${prose}</p><p>${prose.replace('Monday', 'Tuesday')}</p>
      <h2>What the money is for</h2>
      <table><thead><tr><th>Item</th><th>2026</th><th>2027</th></tr></thead>
      <tbody><tr><td>Dredging the basin</td><td>$2.5M</td><td>$3M</td></tr><tr><td>Ferry terminal repairs</td><td></td><td>$1.2M</td></tr></tbody></table>
      <h3>Next steps</h3><p>${prose.replace('Monday', 'Wednesday')}</p>
      <ul><li>Dredging starts in <b>May</b>.</li><li>The quay reopens in June.</li></ul><h2>Related</h2></article></body></html>`;
    const a = await extractFromHtml(html, 'https://harbour.example/budget');
    expect(a.paragraphs).toContain('Item: Dredging the basin; 2026: $2.5M; 2027: $3M');
    expect(a.paragraphs).toContain('Item: Ferry terminal repairs; 2027: $1.2M');
    // Headings stay, however short; one with nothing after it goes.
    const heading = a.paragraphs.indexOf('What the money is for');
    expect(heading).toBeGreaterThan(0);
    expect(a.headings).toEqual([heading, a.paragraphs.indexOf('Next steps')]);
    expect(a.paragraphs).not.toContain('Related');
    expect(a.items).toEqual([a.paragraphs.indexOf('Dredging starts in May.'), a.paragraphs.indexOf('The quay reopens in June.')]);
    expect(a.items!.every((i) => i > heading)).toBe(true);
  });

  it('a written briefing file reads back with the same paragraphs and headings', () => {
    const draft = {
      title: 'Harbour budget',
      source: 'Harbour Gazette',
      paragraphs: [prose, '# 1 item: dredging', 'Item: Dredging; 2027: $3M', '1. Not a list', '- an item'],
      headings: [1],
      items: [4],
    };
    const file = renderBriefingFile(draft);
    expect(file).toContain('\n## \\# 1 item: dredging\n');
    expect(file).toContain('\n- \\- an item\n');
    const { briefing, problems } = parseBriefing('harbour.md', file);
    expect(problems).toEqual([]);
    expect(briefing!.paragraphs).toEqual(draft.paragraphs);
    expect(briefing!.headings).toEqual([1]);
    expect(briefing!.items).toEqual([4]);
  });
});
