"""The inline style and script of report pages: small, no network, no framework."""

from __future__ import annotations

__all__ = ["SCRIPT", "STYLE"]

STYLE = """
body{font:13px/1.4 system-ui,sans-serif;margin:0;color:#1d232a;background:#fbfbfc}
header{padding:12px 18px;border-bottom:1px solid #dde1e6;background:#fff}
h1{font-size:16px;margin:0 0 4px} .outcome{font-weight:600}
.passed{color:#1a7f37} .failed{color:#cf222e} .skipped{color:#9a6700}
main{display:grid;grid-template-columns:minmax(0,3fr) minmax(260px,1fr);gap:0}
#waterfall{padding:8px 0;overflow:auto;border-right:1px solid #dde1e6}
.row{display:grid;grid-template-columns:minmax(220px,38%) 1fr 70px;align-items:center;
 padding:1px 12px;cursor:pointer;white-space:nowrap}
.row:hover{background:#f0f3f6} .row.selected{background:#ddf4ff}
.row.problem .name{color:#cf222e;font-weight:600}
.name{overflow:hidden;text-overflow:ellipsis}
.toggle{display:inline-block;width:14px;color:#57606a} .leaf .toggle{visibility:hidden}
.badge{font-size:10px;border-radius:3px;padding:0 3px;margin-left:4px;background:#eaeef2}
.badge.ERROR{background:#ffebe9;color:#cf222e}
.track{position:relative;height:12px;background:#f6f8fa}
.bar{position:absolute;top:2px;height:8px;min-width:2px;background:#54aeff;border-radius:2px}
.ERROR .bar,.bar.ERROR{background:#ff8182}
.duration{text-align:right;color:#57606a;font-variant-numeric:tabular-nums}
.hidden{display:none}
aside{padding:10px 14px;overflow:auto}
aside h2{font-size:14px;margin:6px 0} table{border-collapse:collapse;width:100%}
td{border-top:1px solid #eaeef2;padding:2px 4px;vertical-align:top;word-break:break-all}
td.key{color:#57606a;white-space:nowrap}
.problems{margin:0;padding:8px 18px;background:#fff8f8;border-bottom:1px solid #ffcecb}
.problems li{margin:2px 0;white-space:pre-wrap}
section.text{padding:8px 18px;border-top:1px solid #dde1e6}
pre{background:#f6f8fa;padding:8px;overflow:auto;font-size:12px}
button{font:inherit;font-size:12px}
"""

SCRIPT = """
(function(){
  var spans=JSON.parse(document.getElementById('spans').textContent);
  var panel=document.getElementById('details');
  function cell(text){var td=document.createElement('td');td.textContent=text;return td;}
  function table(title, rows){
    if(!rows.length){return;}
    var h=document.createElement('h2');h.textContent=title;panel.appendChild(h);
    var t=document.createElement('table');
    rows.forEach(function(r){
      var tr=document.createElement('tr'), k=cell(r[0]);
      k.className='key';tr.appendChild(k);tr.appendChild(cell(r[1]));t.appendChild(tr);
    });
    panel.appendChild(t);
  }
  function select(id){
    var span=spans[id]; if(!span){return;}
    document.querySelectorAll('.row.selected').forEach(function(r){
      r.classList.remove('selected');
    });
    var row=document.getElementById('span-'+id);
    if(row){reveal(row);row.classList.add('selected');}
    panel.textContent='';
    var h=document.createElement('h2');
    h.id='selected-name';h.textContent=span.name;panel.appendChild(h);
    table('Span', span.fields);
    table('Attributes', span.attributes);
    span.events.forEach(function(e){table('Event '+e.name, e.attributes);});
    table('Links', span.links);
  }
  function reveal(row){
    // Open the closed subtrees above a row, from the top down, so that it shows.
    var depth=+row.dataset.depth, prev=row.previousElementSibling, above=[];
    while(prev && depth>0){
      if(+prev.dataset.depth<depth){above.push(prev);depth=+prev.dataset.depth;}
      prev=prev.previousElementSibling;
    }
    above.reverse().forEach(function(a){if(a.dataset.open==='no'){setOpen(a,true);}});
  }
  function setOpen(row, open){
    row.dataset.open=open?'yes':'no';
    row.querySelector('.toggle').textContent=open?'\\u25be':'\\u25b8';
    var depth=+row.dataset.depth, next=row.nextElementSibling, closedAt=Infinity;
    while(next && +next.dataset.depth>depth){
      var d=+next.dataset.depth;
      if(d<=closedAt){closedAt=Infinity;}
      next.classList.toggle('hidden', !open || d>closedAt);
      if(open && d<closedAt && next.dataset.open==='no'){closedAt=d;}
      next=next.nextElementSibling;
    }
  }
  document.getElementById('waterfall').addEventListener('click', function(event){
    var row=event.target.closest('.row'); if(!row){return;}
    if(event.target.classList.contains('toggle')){setOpen(row, row.dataset.open==='no');return;}
    select(row.dataset.id);
  });
  var copy=document.getElementById('copy');
  if(copy){copy.addEventListener('click', function(){
    navigator.clipboard.writeText(document.getElementById('text-form').textContent);
  });}
  var wanted=new URLSearchParams(location.search).get('span');
  select(wanted || Object.keys(spans)[0]);
})();
"""
