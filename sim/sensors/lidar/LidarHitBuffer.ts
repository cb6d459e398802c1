// The few facts per LiDAR return that ground truth needs (which packet, which azimuth, which
// object), in growable typed arrays: cheap enough for every return of a live simulation, unlike
// the full LidarRayLog.

export class LidarHitBuffer {
  length = 0;
  packet: Float64Array;
  azimuth: Uint16Array;
  objectId: Uint32Array;

  constructor(capacity = 1 << 14) {
    this.packet = new Float64Array(capacity);
    this.azimuth = new Uint16Array(capacity);
    this.objectId = new Uint32Array(capacity);
  }

  add(packet: number, azimuth: number, objectId: number): void {
    if (this.length === this.packet.length) this.grow();
    this.packet[this.length] = packet;
    this.azimuth[this.length] = azimuth;
    this.objectId[this.length] = objectId;
    this.length++;
  }

  clear(): void {
    this.length = 0;
  }

  private grow(): void {
    const n = this.packet.length * 2;
    const packet = new Float64Array(n);
    const azimuth = new Uint16Array(n);
    const objectId = new Uint32Array(n);
    packet.set(this.packet);
    azimuth.set(this.azimuth);
    objectId.set(this.objectId);
    this.packet = packet;
    this.azimuth = azimuth;
    this.objectId = objectId;
  }
}
