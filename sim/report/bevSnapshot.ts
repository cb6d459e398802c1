// Bird's-eye view of one frame as inline SVG: the static street (road, sidewalks, curbs,
// crosswalks, buildings, lane centrelines), other vehicles, the ego box, pedestrians with ids and
// their recent trails, predicted paths if given, a scale bar and a north arrow. Map frame is
// east-north-up: +x to the right, +y (north) up.
import { msg, nsToSeconds } from "../../bus/index.ts";
import { type OrientedBox, type SimFrame, boxCorners, boxFromObject, egoBox } from "../metrics/index.ts";
import { escapeHtml } from "./escapeHtml.ts";
import { svgNumber } from "./svgPlot.ts";

export interface BevSnapshotOptions {
  streetMap: msg.StreetMap;
  frames: readonly SimFrame[];
  /** The frame to draw. */
  frameIndex: number;
  /** Predictions at that frame (paths are drawn dashed from each predicted agent's track). */
  predictions?: msg.AgentPredictions;
  /** Pedestrian to keep in view and emphasise (e.g. the closest one). */
  focusPedestrianId?: number;
  /** Trail length behind each pedestrian, s. Default 3. */
  trailS?: number;
  /** Size of the view, m. Default 60 × 28 (grown to keep the focus pedestrian in view). */
  viewWidthM?: number;
  viewHeightM?: number;
  widthPx?: number;
  /** Caption drawn in the top-left corner. */
  caption?: string;
}

const f = svgNumber;

/** Renders the snapshot as one `<svg>` element string. */
export function renderBevSnapshot(o: BevSnapshotOptions): string {
  const frame = o.frames[o.frameIndex];
  if (!frame) throw new Error(`BEV snapshot: no frame ${o.frameIndex} (have ${o.frames.length})`);
  const ego = egoBox(frame.groundTruth, frame.vehicleState);
  const focus = frame.groundTruth.objects.find((x) => x.id === o.focusPedestrianId && x.objectClass === msg.ObjectClass.PEDESTRIAN);

  let vw = o.viewWidthM ?? 60;
  let vh = o.viewHeightM ?? 28;
  let cx = ego.cx;
  let cy = ego.cy;
  if (focus) {
    cx = (ego.cx + focus.xM) / 2;
    cy = (ego.cy + focus.yM) / 2;
    vw = Math.max(vw, Math.abs(focus.xM - ego.cx) + 20);
    vh = Math.max(vh, Math.abs(focus.yM - ego.cy) + 12);
  }
  const W = o.widthPx ?? 900;
  const scale = W / vw; // px per metre
  const H = Math.round(vh * scale);
  const xMin = cx - vw / 2;
  const yMax = cy + vh / 2;
  const X = (x: number) => (x - xMin) * scale;
  const Y = (y: number) => (yMax - y) * scale;
  const pts = (p: ReadonlyArray<{ x: number; y: number }>) => p.map((q) => `${f(X(q.x))},${f(Y(q.y))}`).join(" ");
  const boxPts = (b: OrientedBox) => {
    const c = boxCorners(b);
    const out: string[] = [];
    for (let i = 0; i < 4; i++) out.push(`${f(X(c[2 * i]))},${f(Y(c[2 * i + 1]))}`);
    return out.join(" ");
  };

  const parts: string[] = [];
  parts.push(
    `<svg class="bev" xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="bird's-eye view">`,
  );
  parts.push(
    `<defs><pattern id="bev-zebra" patternUnits="userSpaceOnUse" width="${f(scale)}" height="${f(scale)}" patternTransform="rotate(0)">` +
      `<rect width="${f(scale)}" height="${f(scale)}" fill="#7a7a7a"/><rect width="${f(scale)}" height="${f(scale / 2)}" fill="#f4f4f4"/></pattern></defs>`,
  );
  parts.push(`<rect class="ground" width="${W}" height="${H}" fill="#dfe8d5"/>`);
  const m = o.streetMap;
  for (const p of m.buildings) parts.push(`<polygon class="building" points="${pts(p.points)}" fill="#c9b79c" stroke="#8d7b62"/>`);
  for (const p of m.sidewalks) parts.push(`<polygon class="sidewalk" points="${pts(p.points)}" fill="#d8d8d2" stroke="none"/>`);
  for (const p of m.road) parts.push(`<polygon class="road" points="${pts(p.points)}" fill="#7a7a7a" stroke="none"/>`);
  for (const p of m.crosswalks) parts.push(`<polygon class="crosswalk" points="${pts(p.points)}" fill="url(#bev-zebra)" stroke="#eee"/>`);
  for (const l of m.lanes) {
    const p = l.centerline?.points ?? [];
    if (p.length < 2) continue;
    parts.push(`<polyline class="lane" points="${pts(p)}" fill="none" stroke="#f2d64b" stroke-width="1.2" stroke-dasharray="8 8"/>`);
    // Driving-direction chevrons every 15 m of lane, only where they are in view.
    for (let i = 0; i + 1 < p.length; i++) {
      const len = Math.hypot(p[i + 1].x - p[i].x, p[i + 1].y - p[i].y);
      if (len === 0) continue;
      const ux = (p[i + 1].x - p[i].x) / len;
      const uy = (p[i + 1].y - p[i].y) / len;
      for (let d = 7.5; d < len; d += 15) {
        const ax = p[i].x + ux * d;
        const ay = p[i].y + uy * d;
        if (ax < xMin || ax > xMin + vw || ay > yMax || ay < yMax - vh) continue;
        const tip = { x: ax + ux * 1.2, y: ay + uy * 1.2 };
        const l = { x: ax - uy * 0.5, y: ay + ux * 0.5 };
        const r = { x: ax + uy * 0.5, y: ay - ux * 0.5 };
        parts.push(`<polygon class="lane-arrow" points="${pts([tip, l, r])}" fill="#f2d64b"/>`);
      }
    }
  }
  for (const c of m.curbs) parts.push(`<polyline class="curb" points="${pts(c.points)}" fill="none" stroke="#fafafa" stroke-width="2.5"/>`);

  // Pedestrian trails over the last trailS seconds.
  const trailNs = BigInt(Math.round((o.trailS ?? 3) * 1e9));
  const trails = new Map<number, Array<{ x: number; y: number }>>();
  for (let i = 0; i <= o.frameIndex; i++) {
    const fr = o.frames[i];
    if (frame.tNs - fr.tNs > trailNs) continue;
    for (const ob of fr.groundTruth.objects) {
      if (ob.objectClass !== msg.ObjectClass.PEDESTRIAN) continue;
      const t = trails.get(ob.id) ?? [];
      t.push({ x: ob.xM, y: ob.yM });
      trails.set(ob.id, t);
    }
  }

  // Vehicles and other objects.
  for (const ob of frame.groundTruth.objects) {
    if (ob.objectClass === msg.ObjectClass.PEDESTRIAN) continue;
    const cls = ob.parked ? "parked-car" : "vehicle";
    parts.push(
      `<polygon class="${cls}" data-id="${ob.id}" points="${boxPts(boxFromObject(ob))}" fill="${ob.parked ? "#5b6b7c" : "#8c5bd1"}" stroke="#222" stroke-width="0.8"/>`,
    );
  }

  // Ego with a heading tick.
  const hx = ego.cx + Math.cos(ego.yaw) * ego.length * 0.45;
  const hy = ego.cy + Math.sin(ego.yaw) * ego.length * 0.45;
  parts.push(
    `<g class="ego"><polygon points="${boxPts(ego)}" fill="#2f6fd6" stroke="#0b2f6b" stroke-width="1.2"/>` +
      `<line x1="${f(X(ego.cx))}" y1="${f(Y(ego.cy))}" x2="${f(X(hx))}" y2="${f(Y(hy))}" stroke="#fff" stroke-width="2"/>` +
      `<text x="${f(X(ego.cx))}" y="${f(Y(ego.cy) - (ego.width / 2) * scale - 4)}" class="bev-label" text-anchor="middle">ego ${escapeHtml(frame.vehicleState.speedMps.toFixed(1))} m/s</text></g>`,
  );

  // Predicted paths (track ids are the predictor's, not ground-truth ids).
  for (const a of o.predictions?.agents ?? []) {
    for (const p of a.paths) {
      if (p.points.length < 2) continue;
      parts.push(
        `<polyline class="predicted-path" data-track="${a.trackId}" points="${pts(p.points)}" fill="none" stroke="#e67e22" stroke-width="1.5" stroke-dasharray="3 3" opacity="${f(0.3 + 0.7 * p.probability)}"/>`,
      );
    }
  }

  // Pedestrians with trails and ids.
  for (const ob of frame.groundTruth.objects) {
    if (ob.objectClass !== msg.ObjectClass.PEDESTRIAN) continue;
    const trail = trails.get(ob.id) ?? [];
    const isFocus = ob.id === o.focusPedestrianId;
    const color = ob.pedestrian?.onRoad ? "#d62f2f" : "#e6a100";
    const r = Math.max(5, (Math.max(ob.lengthM, ob.widthM) / 2) * scale);
    const trailSvg = trail.length >= 2 ? `<polyline class="trail" points="${pts(trail)}" fill="none" stroke="${color}" stroke-width="1.5" opacity="0.7"/>` : "";
    parts.push(
      `<g class="pedestrian" data-id="${ob.id}">${trailSvg}` +
        `<circle cx="${f(X(ob.xM))}" cy="${f(Y(ob.yM))}" r="${f(r)}" fill="${color}" stroke="${isFocus ? "#000" : "#5a3d00"}" stroke-width="${isFocus ? 2 : 1}"/>` +
        `<text x="${f(X(ob.xM) + r + 3)}" y="${f(Y(ob.yM) - r - 2)}" class="bev-label" paint-order="stroke" stroke="#fff" stroke-width="3">P${ob.id}</text></g>`,
    );
  }

  // Scale bar (10 m, or 5 m in narrow views) bottom-left; north arrow top-right.
  const barM = vw >= 40 ? 10 : 5;
  const bx = 16;
  const by = H - 18;
  parts.push(
    `<g class="scale-bar"><rect x="${bx - 6}" y="${by - 18}" width="${f(barM * scale + 40)}" height="28" fill="#fff" opacity="0.8"/>` +
      `<line x1="${bx}" y1="${by}" x2="${f(bx + barM * scale)}" y2="${by}" stroke="#000" stroke-width="3"/>` +
      `<line x1="${bx}" y1="${by - 5}" x2="${bx}" y2="${by + 5}" stroke="#000"/><line x1="${f(bx + barM * scale)}" y1="${by - 5}" x2="${f(bx + barM * scale)}" y2="${by + 5}" stroke="#000"/>` +
      `<text x="${f(bx + barM * scale + 6)}" y="${by + 4}" class="bev-label">${barM} m</text></g>`,
  );
  parts.push(
    `<g class="north-arrow" transform="translate(${W - 28} 14)"><rect x="-14" y="-6" width="28" height="48" fill="#fff" opacity="0.8"/>` +
      `<path d="M0 0 L7 20 L0 15 L-7 20 z" fill="#000"/><text x="0" y="36" class="bev-label" text-anchor="middle">N</text></g>`,
  );
  const caption = o.caption ?? `t = ${nsToSeconds(frame.tNs).toFixed(2)} s`;
  parts.push(`<g class="caption"><rect x="6" y="6" width="${f(7.2 * caption.length + 12)}" height="22" fill="#fff" opacity="0.85"/><text x="12" y="21" class="bev-label">${escapeHtml(caption)}</text></g>`);
  parts.push(`</svg>`);
  return parts.join("\n");
}
