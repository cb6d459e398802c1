// The simulator's object-level world: what sim/ offers to its integrator and to tests.
export * from "./geometry.ts";
export * from "./street.ts";
export * from "./egoVehicle.ts";
export * from "./pedestrian.ts";
export * from "./parkedCar.ts";
export * from "./visibility.ts";
export * from "./World.ts";
export * from "./trafficVehicle.ts";
