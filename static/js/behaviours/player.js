// The home computer's player (issue 13): each note, answer and tick taken while
// recording is a button on the recording's timeline; pressing it plays from a
// few seconds before that moment (a transcript's piece: from its start). The
// speed can be set from 0.75x to 2x. Plain buttons and a select: all of it
// works from the keyboard. Loaded on first use (a page with a player); `say`
// comes from the caller.
const LEAD_IN_S = 5;

// A phone's recording (WebM from MediaRecorder) does not state its length: the
// browser learns it only at the end. Seek there once, so the slider and the
// time shown are right, then back to the start; markers wait for it.
function knownLength(audio) {
  return new Promise((resolve) => {
    const check = () => {
      if (!Number.isFinite(audio.duration)) return false;
      audio.removeEventListener("durationchange", check);
      audio.currentTime = 0;
      resolve();
      return true;
    };
    audio.addEventListener("loadedmetadata", () => {
      if (check()) return;
      audio.addEventListener("durationchange", check);
      audio.currentTime = 1e101;
    }, { once: true });
    audio.addEventListener("error", resolve, { once: true });
    if (audio.readyState >= 1 && !check()) {
      audio.addEventListener("durationchange", check);
      audio.currentTime = 1e101;
    }
  });
}

export function players(root, say) {
  for (const player of root.querySelectorAll("[data-player]")) {
    if (player.dataset.ready) continue;
    player.dataset.ready = "true";
    const audio = player.querySelector("audio");
    const speed = player.querySelector("[data-speed]");
    const ready = knownLength(audio);
    speed.addEventListener("change", () => { audio.playbackRate = Number(speed.value); });
    player.addEventListener("click", (event) => {
      const marker = event.target.closest("[data-seek-ms]");
      if (!marker) return;
      const lead = marker.dataset.leadIn === undefined ? LEAD_IN_S : Number(marker.dataset.leadIn);
      const at = Math.max(0, Number(marker.dataset.seekMs) / 1000 - lead);
      ready.then(() => {
        audio.currentTime = at;
        audio.playbackRate = Number(speed.value);
        return audio.play();
      }).then(() => say(`Playing from ${lead ? "just before " : ""}${marker.dataset.label}.`))
        .catch(() => say("Press play to listen."));
    });
  }
}
