import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { currentUser, type Guards } from "../auth/auth.guards";
import {
  DeviceIdParams,
  DeviceName,
  DeviceSchema,
  DeviceSecretSchema,
  DeviceSettingsBody,
  DeviceSettingsSchema,
  RegisteredDeviceSchema,
} from "./devices.schemas";
import type { DevicesService } from "./devices.service";

/** The owner's side of devices (API.md §7, §11); the signed device endpoints live with delivery. */
export function devicesRoutes(deps: { devices: DevicesService; guards: Guards }): FastifyPluginAsyncZod {
  const { devices, guards } = deps;
  const tags = ["devices"];
  return async (app) => {
    app.post(
      "/api/v1/devices",
      {
        onRequest: guards.requireUser,
        config: { problems: [409] },
        schema: {
          summary: "Register a device",
          description:
            "Adds a MetaTrader 5 Expert Advisor and answers its signing secret, shown only here. 409 devices.name_taken; 403 devices.limit_reached beyond the plan's maxDevices.",
          tags,
          body: z.object({ name: DeviceName }),
          response: { 201: RegisteredDeviceSchema },
        },
      },
      async (req, reply) => {
        const { device, secret } = await devices.register(currentUser(req).id, req.body.name);
        return reply.code(201).send({
          id: device.id,
          name: device.name,
          secret,
          createdAt: device.createdAt,
          lastSeenAt: null,
          online: false,
        });
      },
    );

    app.get(
      "/api/v1/devices",
      {
        onRequest: guards.requireUser,
        schema: {
          summary: "My devices",
          description:
            "The caller's devices with online state, account and client version from their last hello.",
          tags,
          response: { 200: z.object({ items: z.array(DeviceSchema) }) },
        },
      },
      async (req) => ({ items: await devices.list(currentUser(req).id) }),
    );

    app.get(
      "/api/v1/devices/:id",
      {
        onRequest: guards.requireUser,
        schema: {
          summary: "One of my devices",
          description: "A device of the caller's; anyone else's is 404.",
          tags,
          params: DeviceIdParams,
          response: { 200: DeviceSchema },
        },
      },
      (req) => devices.get(currentUser(req).id, req.params.id),
    );

    app.patch(
      "/api/v1/devices/:id",
      {
        onRequest: guards.requireUser,
        config: { problems: [409] },
        schema: {
          summary: "Rename a device",
          description: "409 devices.name_taken when another of the caller's devices has the name.",
          tags,
          params: DeviceIdParams,
          body: z.object({ name: DeviceName }),
          response: { 200: DeviceSchema },
        },
      },
      (req) => devices.rename(currentUser(req).id, req.params.id, req.body.name),
    );

    app.delete(
      "/api/v1/devices/:id",
      {
        onRequest: guards.requireUser,
        schema: {
          summary: "Remove a device",
          description: "Revoked at once: its next signed call answers 401.",
          tags,
          params: DeviceIdParams,
          response: { 204: z.null() },
        },
      },
      async (req, reply) => {
        await devices.revoke(currentUser(req).id, req.params.id);
        return reply.code(204).send(null);
      },
    );

    app.post(
      "/api/v1/devices/:id/secret",
      {
        onRequest: guards.requireUser,
        config: { problems: [409] },
        schema: {
          summary: "Rotate a device's secret",
          description:
            "A new signing secret, shown only here; the old one stops working at once. 409 for a removed device.",
          tags,
          params: DeviceIdParams,
          response: { 200: DeviceSecretSchema },
        },
      },
      (req) => devices.rotateSecret(currentUser(req).id, req.params.id),
    );

    app.get(
      "/api/v1/devices/:id/settings",
      {
        onRequest: guards.requireUser,
        schema: {
          summary: "A device's trading settings",
          description:
            "Sizing, lot cap, symbol map and suffix, slippage and entry-deviation bounds, paused; with their version.",
          tags,
          params: DeviceIdParams,
          response: { 200: DeviceSettingsSchema },
        },
      },
      (req) => devices.settings(currentUser(req).id, req.params.id),
    );

    app.put(
      "/api/v1/devices/:id/settings",
      {
        onRequest: guards.requireUser,
        config: { problems: [409] },
        schema: {
          summary: "Replace a device's trading settings",
          description:
            "The whole settings object; the version goes up and the device's next poll carries them. 409 for a removed device.",
          tags,
          params: DeviceIdParams,
          body: DeviceSettingsBody,
          response: { 200: DeviceSettingsSchema },
        },
      },
      (req) => devices.replaceSettings(currentUser(req).id, req.params.id, req.body),
    );

    app.get(
      "/api/v1/admin/users/:userId/devices",
      {
        onRequest: guards.requireAdmin,
        schema: {
          summary: "A user's devices",
          description: "Every device of a user, removed ones included.",
          tags: ["admin: devices"],
          params: z.object({ userId: z.string().min(1).max(64) }),
          response: { 200: z.object({ items: z.array(DeviceSchema) }) },
        },
      },
      async (req) => ({ items: await devices.list(req.params.userId) }),
    );
  };
}
