// The home computer's player (issue 13): each note, answer and tick taken while
// recording is a button on the recording's timeline; pressing it plays from a
// few seconds before that moment (a transcript's piece: from its start). The
// speed can be set from 0.75x to 2x. Plain buttons and a select: all of it
// works from the keyboard. Loaded on first use (a page with a player); `say`
// comes from the caller.
const LEAD_IN_S = 5;

export function players(root, say) {
  for (const player of root.querySelectorAll("[data-player]")) {
    if (player.dataset.ready) continue;
    player.dataset.ready = "true";
    const audio = player.querySelector("audio");
    const speed = player.querySelector("[data-speed]");
    speed.addEventListener("change", () => { audio.playbackRate = Number(speed.value); });
    player.addEventListener("click", (event) => {
      const marker = event.target.closest("[data-seek-ms]");
      if (!marker) return;
      const lead = marker.dataset.leadIn === undefined ? LEAD_IN_S : Number(marker.dataset.leadIn);
      const at = Math.max(0, Number(marker.dataset.seekMs) / 1000 - lead);
      audio.currentTime = at;
      audio.playbackRate = Number(speed.value);
      audio.play().then(() => say(`Playing from ${marker.dataset.label}.`)).catch(() => say("Press play to listen."));
    });
  }
}
