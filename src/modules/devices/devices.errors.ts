import { defineErrors } from "../../shared/errors";

export const DeviceErrors = defineErrors({
  notFound: { code: "devices.not_found", status: 404, title: "Device not found" },
  nameTaken: { code: "devices.name_taken", status: 409, title: "You already have a device with this name" },
  limitReached: {
    code: "devices.limit_reached",
    status: 403,
    title: "Your plan allows no more devices",
  },
  revoked: { code: "devices.revoked", status: 409, title: "This device has been removed" },
});

/** One code for every signature failure, so a caller learns nothing about why (API.md §7.1). */
export const SignedRequestErrors = defineErrors({
  rejected: { code: "device_auth.rejected", status: 401, title: "Request signature rejected" },
});
