/*
 * report.html's only stylesheet, inline: system fonts, no url(), no @import, so the page opens
 * with no network. Amber is kept for blind spots and red for pipeline errors, nothing else.
 */
export const CSS = `
:root{--blind:#a35f00;--blind-bg:#fff4dc;--err:#b3261e;--err-bg:#fde8e6;--above:#6b3fa0;--above-bg:#f3ecfb;--muted:#5f6973;--line:#dde2e7}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:24px auto;max-width:1280px;color:#1d232a;padding:0 18px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;border-bottom:2px solid #e3e7eb;padding-bottom:4px;margin-top:36px}h3{font-size:16px;margin:22px 0 6px}h4{font-size:14px;margin:16px 0 4px}
a{color:#2459c4}code{font-size:12px;background:#f3f5f7;padding:0 3px;border-radius:3px}
table{border-collapse:collapse;margin:6px 0 12px;display:block;max-width:100%;overflow-x:auto}td code{overflow-wrap:anywhere}td,th{border:1px solid var(--line);padding:4px 8px;text-align:right;vertical-align:top}th{background:#f3f5f7;font-weight:600}
td.l,th.l{text-align:left}td.hop{white-space:nowrap;font-weight:600;background:#fafbfc}td.q{white-space:nowrap}td.words{min-width:300px;max-width:460px;font-size:13px}td small,th small{font-weight:400;color:var(--muted)}
.muted{color:var(--muted)}.small{font-size:12.5px}.nm,.nr{color:#7b848d;font-style:italic}
td.blind,small.blind,span.blind{background:var(--blind-bg);color:var(--blind)}td.blind{box-shadow:inset 3px 0 var(--blind)}
td.err,small.err,span.err{background:var(--err-bg);color:var(--err);font-weight:600}td.err{box-shadow:inset 3px 0 var(--err)}
td.above,small.above,span.above,td.obs{background:var(--above-bg);color:var(--above)}td.above{box-shadow:inset 3px 0 var(--above)}
td.obs{background:#f4f5f7;color:#4a535c}small.dt,td.dt{text-decoration:underline dotted}
td.low{font-weight:700}td.words.ok{color:var(--muted)}td.pass{color:#1f7a45;font-weight:700}td.fail{color:var(--err);background:var(--err-bg);font-weight:700}
.badge{display:inline-block;border-radius:10px;padding:1px 10px;font-size:12px;font-weight:700;color:#fff;vertical-align:middle}.final{background:#1f8a4c}.provisional{background:#b86e00}
.result-pass{background:#1f8a4c}.result-fail{background:var(--err)}.result-deferred,.result-interrupted{background:#6b747d}
.summary{display:flex;flex-wrap:wrap;gap:10px;margin:14px 0}.summary div{border:1px solid var(--line);border-radius:6px;padding:8px 12px;min-width:180px}.summary b{display:block;font-size:20px}
.summary .blind{background:var(--blind-bg);border-color:var(--blind)}.summary .err{background:var(--err-bg);border-color:var(--err)}.summary .above{background:var(--above-bg);border-color:var(--above)}
.key{display:inline-flex;align-items:center;gap:4px;margin-left:12px;font-weight:400;font-size:12px;color:#4a535c}.key i{display:inline-block;width:11px;height:11px;border-radius:2px}
.grid{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}
figure.chart-box{margin:6px 0 12px;background:#fbfcfd;border:1px solid #e3e7eb;border-radius:6px;padding:8px 10px;max-width:100%;overflow-x:auto}
figure.chart-box figcaption{display:flex;flex-wrap:wrap;justify-content:space-between;gap:6px 18px;font-size:13px;margin-bottom:6px}
figure.chart-box .note{font-size:12px;color:var(--muted);margin:4px 0 0;max-width:720px}
.chart .lbl{font-size:11px;fill:#3d464f}.chart .val{font-size:10px;fill:#4a535c}.chart .nr{font-style:italic;fill:#7b848d}.chart .ax{stroke:#b8c0c8}
dl.glossary dt{font-weight:700;margin-top:6px}dl.glossary dd{margin:0 0 0 18px}details{margin:8px 0}summary{cursor:pointer;font-weight:600}
table.timing td:not(.words),table.cpms td:not(.l){white-space:nowrap}p.rule{background:#f3f5f7;border-left:3px solid #8a949e;padding:6px 10px}
nav a{margin-right:12px}p.verdict{font-size:15px;margin:4px 0 12px}
`;
