// A parked or stopped vehicle (car, van, or a bus at its stop): a static box in a parking strip.
// It never moves; it occludes. Ground truth class CAR, or BUS for a bus.
import { create } from "@bufbuild/protobuf";
import { msg } from "../../bus/index.ts";
import { type ParkedCarSpec, type VehicleKind, parkedCenterAbsY } from "../scenarios/Scenario.ts";
import type { Box2 } from "./geometry.ts";
import type { Street } from "./street.ts";

/** Ground-truth class of a vehicle kind. */
export function vehicleObjectClass(kind: VehicleKind): msg.ObjectClass {
  return kind === "bus" ? msg.ObjectClass.BUS : msg.ObjectClass.CAR;
}

export class ParkedCar {
  readonly id: number;
  readonly kind: VehicleKind;
  readonly x: number;
  readonly y: number;
  /** Parked along the street: heading east on the south side, west on the north side. */
  readonly yaw: number;
  readonly lengthM: number;
  readonly widthM: number;
  readonly heightM: number;

  constructor(id: number, spec: ParkedCarSpec, street: Street) {
    this.id = id;
    this.kind = spec.kind;
    this.x = spec.xM;
    const sideSign = spec.side === "south" ? -1 : 1;
    this.y = spec.yM ?? sideSign * parkedCenterAbsY(street.params.laneWidthM, street.params.parkingWidthM, spec.widthM);
    this.yaw = spec.side === "south" ? 0 : Math.PI;
    this.lengthM = spec.lengthM;
    this.widthM = spec.widthM;
    this.heightM = spec.heightM;
  }

  footprint(): Box2 {
    return { cx: this.x, cy: this.y, yaw: this.yaw, length: this.lengthM, width: this.widthM };
  }

  /** Ground-truth object; `visibility` is filled in by the world. */
  groundTruthObject(visibility: number): msg.GroundTruthObject {
    return create(msg.GroundTruthObjectSchema, {
      id: this.id,
      objectClass: vehicleObjectClass(this.kind),
      xM: this.x,
      yM: this.y,
      yawRad: this.yaw,
      vxMps: 0,
      vyMps: 0,
      lengthM: this.lengthM,
      widthM: this.widthM,
      heightM: this.heightM,
      parked: true,
      visibility,
    });
  }
}
