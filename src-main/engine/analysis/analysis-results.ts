import type { CropProposal, DetectedFace, ObjectsResult, QualityResult, SubjectResult } from '../../contract/analysis.ts';
import { suggestKeywords, type DetectedObject } from './objects/detect-objects.ts';
import type { Face } from './faces.ts';
import type { Quality } from './quality.ts';
import type { Subject } from './subject.ts';

/**
 * The compact JSON shapes stored in analysis_results.result_json (and sent by analysis.get).
 * Coordinates keep 5 decimals (a tenth of a pixel at 8000 px): enough, and half the bytes.
 */

const r5 = (v: number) => Math.round(v * 1e5) / 1e5;
const r3 = (v: number) => Math.round(v * 1e3) / 1e3;

function box(b: { x: number; y: number; w: number; h: number }) {
  const x = Math.min(1, Math.max(0, r5(b.x)));
  const y = Math.min(1, Math.max(0, r5(b.y)));
  return { x, y, w: Math.min(1 - x, r5(b.w)), h: Math.min(1 - y, r5(b.h)) };
}

export function facesResult(faces: Face[]): DetectedFace[] {
  return faces.map((f) => ({ box: box(f.box), confidence: r3(f.confidence), keypoints: f.keypoints.map((p) => ({ x: r5(p.x), y: r5(p.y) })) }));
}

export function subjectResult(s: Subject): SubjectResult {
  return { box: s.box ? box(s.box) : null, coverage: r3(s.coverage), confidence: r3(s.confidence), maskPng: s.maskPng.toString('base64') };
}

export function qualityResult(q: Quality): QualityResult {
  return { score: r3(q.score), sharpness: r3(q.sharpness), focus: r3(q.focus), exposure: r3(q.exposure), contrast: r3(q.contrast), noise: r3(q.noise), flags: q.flags };
}

export type HashResult = { hash: string };
export type CropsResult = { straighten: { angle: number; confidence: number }; proposals: CropProposal[] };

export function objectsResult(objects: DetectedObject[]): ObjectsResult {
  return { objects: objects.map((o) => ({ label: o.label, box: box(o.box), confidence: r3(o.confidence) })), keywords: suggestKeywords(objects) };
}
