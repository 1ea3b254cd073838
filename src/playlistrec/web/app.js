// The page's behaviour: model list, seed search, the playlist request and its rendering.
// Every string from the catalogue or the user is put into the page with textContent (never parsed as HTML),
// so a track called "<img src=x onerror=...>" shows as text and runs nothing.
"use strict";

const $ = (id) => document.getElementById(id);
const seeds = new Map(); // track URI -> "track — artist", in the order added

/** Create an element with optional class and text (text set with textContent). */
function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

/** Call the JSON API; throws an Error carrying the server's one-line message on a non-2xx answer. */
async function api(path, options) {
  const response = await fetch(path, options);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error || `request failed (${response.status})`);
  return body;
}

function setStatus(text, isError) {
  const status = $("status");
  status.textContent = text;
  status.classList.toggle("error", Boolean(isError));
}

/** An error is about the query that caused it: once the user edits the query, it is stale and goes. */
function clearStaleError() {
  if ($("status").classList.contains("error")) setStatus("");
}

/** Fill the model menu from GET /api/models, selecting the default. */
async function loadModels() {
  const { models, default: preferred } = await api("/api/models");
  const select = $("model");
  for (const name of models) {
    const option = el("option", name);
    option.value = name;
    option.selected = name === preferred;
    select.append(option);
  }
}

/** Redraw the chosen seed tracks as removable chips. */
function renderSeeds() {
  const list = $("seeds");
  list.replaceChildren();
  for (const [uri, label] of seeds) {
    const chip = el("li", label, "chip");
    const remove = el("button", "×", "remove");
    remove.type = "button";
    remove.title = "remove this seed";
    remove.addEventListener("click", () => { seeds.delete(uri); renderSeeds(); clearStaleError(); });
    chip.append(remove);
    list.append(chip);
  }
}

/** Show search hits under the search box; clicking one adds it as a seed. */
function renderSearch(tracks) {
  const list = $("search-results");
  list.replaceChildren();
  for (const track of tracks) {
    const item = el("li");
    const button = el("button", "", "hit");
    button.type = "button";
    button.append(el("span", track.track_name, "name"), el("span", track.artist_name, "artist"));
    button.addEventListener("click", () => {
      seeds.set(track.track_uri, `${track.track_name} — ${track.artist_name}`);
      renderSeeds();
      clearStaleError();
      list.hidden = true;
      $("seed-search").value = "";
    });
    item.append(button);
    list.append(item);
  }
  if (!tracks.length) list.append(el("li", "no matching track", "empty"));
  list.hidden = false;
}

let searchTimer;
function onSearchInput() {
  clearTimeout(searchTimer);
  const q = $("seed-search").value.trim();
  if (!q) { $("search-results").hidden = true; return; }
  searchTimer = setTimeout(async () => {
    try {
      const { tracks } = await api(`/api/search?q=${encodeURIComponent(q)}&limit=10`);
      renderSearch(tracks);
    } catch (error) {
      setStatus(error.message, true);
    }
  }, 200);
}

/** Render the playlist as table rows: rank, track, artist, and a link to the track on Spotify. */
function renderPlaylist(result) {
  const body = $("playlist").querySelector("tbody");
  body.replaceChildren();
  for (const track of result.tracks) {
    const row = el("tr");
    const link = el("a", "open");
    link.href = track.url;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    const linkCell = el("td", undefined, "link");
    linkCell.append(link);
    row.append(el("td", String(track.rank), "rank"), el("td", track.track_name, "track"),
      el("td", track.artist_name, "artist"), linkCell);
    body.append(row);
  }
  const heading = result.title ? `“${result.title}”` : "your seed tracks";
  $("result-heading").textContent = `${result.tracks.length} tracks for ${heading} · ${result.model}`;
  // When popularity filled the list, say so and why (e.g. "popularity: no training title matches").
  $("result-note").textContent = result.fallback ? `Note: ${result.fallback}` : "";
  $("result-note").hidden = !result.fallback;
  $("result").hidden = false;
}

async function onSubmit(event) {
  event.preventDefault();
  const request = {
    title: $("title").value,
    seeds: [...seeds.keys()],
    model: $("model").value || null,
    n: Number($("n").value),
  };
  $("submit").disabled = true;
  setStatus("thinking…");
  try {
    renderPlaylist(await api("/api/recommend", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(request),
    }));
    setStatus("");
  } catch (error) {
    setStatus(error.message, true);
  } finally {
    $("submit").disabled = false;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("query").addEventListener("submit", onSubmit);
  $("query").addEventListener("input", clearStaleError); // typing, and a changed menu, clear an old error
  $("query").addEventListener("change", clearStaleError);
  $("seed-search").addEventListener("input", onSearchInput);
  // A click anywhere outside the search box closes its results.
  document.addEventListener("click", (event) => {
    if (!event.target.closest(".search")) $("search-results").hidden = true;
  });
  loadModels().catch((error) => setStatus(error.message, true));
});
