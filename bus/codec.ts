// Protobuf on the wire and on disk, derived from the topic table.
import { create, fromBinary, toBinary, type DescFile, type DescMessage } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { type MessageOf, type TopicName, TOPICS } from "./topics.ts";

export function encodeMessage<T extends TopicName>(topic: T, message: MessageOf<T>): Uint8Array {
  return toBinary(TOPICS[topic].schema as DescMessage, message as never);
}

export function decodeMessage<T extends TopicName>(topic: T, bytes: Uint8Array): MessageOf<T> {
  return fromBinary(TOPICS[topic].schema as DescMessage, bytes) as MessageOf<T>;
}

/** The FileDescriptorSet (binary) that describes a message and everything it imports: MCAP's protobuf schema data. */
export function fileDescriptorSet(schema: DescMessage): Uint8Array {
  const files: DescFile[] = [];
  const seen = new Set<string>();
  const visit = (file: DescFile): void => {
    if (seen.has(file.name)) return;
    seen.add(file.name);
    for (const dep of file.dependencies) visit(dep);
    files.push(file);
  };
  visit(schema.file);
  return toBinary(FileDescriptorSetSchema, create(FileDescriptorSetSchema, { file: files.map((f) => f.proto) }));
}
