// Draws the dashboard's charts from the JSON in #dashboard-data (the same numbers are in the
// tables beside each chart). Chart.js is vendored from npm (web/console/package.json).
(function () {
  'use strict';
  const source = document.getElementById('dashboard-data');
  if (!source || typeof window.Chart === 'undefined') return;
  const data = JSON.parse(source.textContent);
  const reduced = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  const colour = '#0b4f6c';
  function draw(id, type, pairs) {
    const canvas = document.getElementById(id);
    if (!canvas) return;
    new window.Chart(canvas, {
      type: type,
      data: { labels: pairs.map((p) => p[0]), datasets: [{ data: pairs.map((p) => p[1]), backgroundColor: colour, borderColor: colour }] },
      options: { animation: reduced ? false : undefined, maintainAspectRatio: false, plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
  }
  draw('chart-per-day', 'bar', data.per_day);
  draw('chart-languages', 'bar', data.languages);
  draw('chart-intents', 'bar', data.top_intents);
})();
