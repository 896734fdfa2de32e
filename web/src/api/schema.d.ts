// Generated from /openapi.json by test/web-api-client.test.ts; run `npm run web:api` after an API change.
export interface paths {
    "/api/v1/auth/telegram": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        initData: string;
                        ref?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            accessToken: string;
                            /** @enum {string} */
                            tokenType: "Bearer";
                            expiresIn: number;
                            user: components["schemas"]["User"];
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["User"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        autoApprove?: boolean;
                        /** @enum {string} */
                        region?: "GB" | "US" | "EU" | "ASIA";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["User"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/admin/users/{userId}/disable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Disable a user account
         * @description From the next request on, the user's bearer tokens, console sessions, Telegram initData and devices are refused (403 users.disabled; devices 401 device_auth.rejected). Repeating it changes nothing. An admin cannot disable themselves (409 users.cannot_disable_self).
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    userId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["UserStanding"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/users/{userId}/enable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Re-enable a disabled user account
         * @description The user's unexpired tokens and devices work again. Repeating it changes nothing.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    userId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["UserStanding"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/catalog": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            currency: "GBP";
                            categories: {
                                id: string;
                                slug: string;
                                name: string;
                                products: {
                                    id: string;
                                    slug: string;
                                    name: string;
                                    description: string;
                                    tiers: {
                                        id: string;
                                        /** @enum {string} */
                                        level: "premium" | "vip" | "enterprise";
                                        name: string;
                                        monthlyPriceMinor: number;
                                        features: components["schemas"]["Features"];
                                        trialDays: number;
                                    }[];
                                }[];
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/catalog/categories": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        slug: string;
                        name: string;
                        position?: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/catalog/categories/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        options?: never;
        head?: never;
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        slug?: string;
                        name?: string;
                        position?: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        trace?: never;
    };
    "/api/v1/admin/catalog/products": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        categoryId: string;
                        slug: string;
                        name: string;
                        description?: string;
                        position?: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/catalog/products/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        options?: never;
        head?: never;
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        slug?: string;
                        name?: string;
                        description?: string;
                        position?: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        trace?: never;
    };
    "/api/v1/admin/catalog/tiers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        productId: string;
                        /** @enum {string} */
                        level: "premium" | "vip" | "enterprise";
                        name: string;
                        monthlyPriceMinor: number;
                        features: components["schemas"]["FeaturesInput"];
                        trialDays?: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/catalog/tiers/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        options?: never;
        head?: never;
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name?: string;
                        monthlyPriceMinor?: number;
                        features?: components["schemas"]["FeaturesInput"];
                        trialDays?: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        trace?: never;
    };
    "/api/v1/me/entitlements": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            tier: "free" | "premium" | "vip" | "enterprise";
                            features: {
                                signals: boolean;
                                maxDevices: number;
                                autoApprove: boolean;
                                /** @enum {string} */
                                minSignalTier?: "premium" | "vip" | "enterprise";
                            };
                            items: {
                                id: string;
                                tierId: string;
                                /** @enum {string} */
                                level: "premium" | "vip" | "enterprise";
                                startsAt: string;
                                expiresAt: string;
                                source: {
                                    orderId: string;
                                } | {
                                    grantedBy: string;
                                };
                                /** @enum {string} */
                                kind: "order" | "admin" | "trial" | "grace";
                                active: boolean;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/trials": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        tierId: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TrialPeriod"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/users/{userId}/entitlements": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    userId: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        tierId: string;
                        days: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/entitlements/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/quotes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query: {
                    tierId: string;
                    months: number;
                    region?: "GB" | "US" | "EU" | "ASIA";
                    coupon?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Quote"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/coupons": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["Coupon"][];
                            /** @enum {string|null} */
                            nextCursor: null;
                        };
                    };
                };
            };
        };
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        code: string;
                        percentOff?: number;
                        amountOffMinor?: number;
                        currency?: string;
                        maxRedemptions?: number;
                        /** Format: date-time */
                        expiresAt?: string;
                        tierIds?: string[];
                        firstOrderOnly?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Coupon"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/coupons/{code}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    code: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/devices": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["Device"][];
                        };
                    };
                };
            };
        };
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            name: string;
                            secret: string;
                            createdAt: string;
                            /** @enum {string|null} */
                            lastSeenAt: null;
                            /** @enum {boolean} */
                            online: false;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/devices/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Device"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        options?: never;
        head?: never;
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Device"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/devices/{id}/secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            secret: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/devices/{id}/settings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["DeviceSettings"];
                    };
                };
            };
        };
        put: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        sizing: {
                            /** @enum {string} */
                            mode: "fixed" | "risk_percent" | "multiplier";
                            value: number;
                        };
                        maxLots: number | null;
                        symbolMap: {
                            [key: string]: string;
                        };
                        symbolSuffix: string;
                        maxSlippagePoints: number;
                        maxEntryDeviationPct: number | null;
                        paused: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["DeviceSettings"];
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/users/{userId}/devices": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    userId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["Device"][];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/producers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                id: string;
                                name: string;
                                createdAt: string;
                                revokedAt: string | null;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            name: string;
                            secret: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/producers/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/producers/{id}/alert-url": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            url: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/hooks/alerts/{token}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    token: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": unknown;
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Signal"] | components["schemas"]["SignalUpdate"];
                    };
                };
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Signal"] | components["schemas"]["SignalUpdate"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/signals": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["Signal"][];
                            nextCursor: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        externalId?: string | null;
                        instrument: string;
                        /** @enum {string} */
                        side: "buy" | "sell";
                        /** @enum {string} */
                        orderType: "market" | "limit" | "stop";
                        entryPrice?: number | null;
                        stopLoss?: number | null;
                        takeProfit?: number | null;
                        volume?: number | null;
                        /** @default 300 */
                        ttlSeconds?: number;
                        /**
                         * @default premium
                         * @enum {string}
                         */
                        minTier?: "premium" | "vip" | "enterprise";
                        note?: string | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Signal"];
                    };
                };
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Signal"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/signals/{id}/updates": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @enum {string} */
                        action: "modify" | "close" | "close_partial";
                        stopLoss?: number | null;
                        takeProfit?: number | null;
                        fraction?: number | null;
                        externalId?: string | null;
                        note?: string | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SignalUpdate"];
                    };
                };
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SignalUpdate"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/signals/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Signal"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/signals/{id}/decision": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @enum {string} */
                        decision: "approve" | "reject";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            signalId: string;
                            /** @enum {string} */
                            decision: "approved" | "rejected";
                            decidedAt: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/signals/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Signal"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/track-record": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: {
                    days?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["TrackRecord"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/signals/{id}/executions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            summary: {
                                recipients: number;
                                approved: number;
                                acked: number;
                                filled: number;
                                failed: number;
                                updatesApplied: number;
                                updatesFailed: number;
                            };
                            items: {
                                id: string;
                                signalId: string;
                                deviceId: string;
                                /** @enum {string} */
                                status: "acked" | "filled" | "failed";
                                price: number | null;
                                volume: number | null;
                                brokerTicket: string | null;
                                errorCode: number | null;
                                errorMessage: string | null;
                                ackedAt: string;
                                filledAt: string | null;
                                failedAt: string | null;
                                updatedAt: string;
                                deviceName: string;
                                events: ({
                                    /** @enum {string} */
                                    type: "ack" | "fill" | "error";
                                    at: string;
                                } & {
                                    [key: string]: unknown;
                                })[];
                                updates: {
                                    updateId: string;
                                    seq: number;
                                    /** @enum {string} */
                                    action: "modify" | "close" | "close_partial";
                                    /** @enum {string} */
                                    status: "pending" | "applied" | "failed";
                                    errorCode: number | null;
                                    errorMessage: string | null;
                                    closedVolume: number | null;
                                    closePrice: number | null;
                                    reportedAt: string | null;
                                }[];
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/users/{userId}/attribution": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: {
                    days?: number;
                };
                header?: never;
                path: {
                    userId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            userId: string;
                            days: number;
                            since: string;
                            bot: {
                                trades: number;
                                profitMinor: number;
                                winRate: number;
                                profitByCurrency: {
                                    [key: string]: number;
                                };
                            };
                            manual: {
                                trades: number;
                                profitMinor: number;
                                winRate: number;
                                profitByCurrency: {
                                    [key: string]: number;
                                };
                            };
                            trades: {
                                ticket: string;
                                /** @enum {string} */
                                source: "bot" | "manual";
                                signalId: string | null;
                                deviceId: string;
                                instrument: string;
                                profitMinor: number;
                                currency: string;
                                closedAt: string;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/device/poll": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: {
                    wait?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            serverTime: string;
                            signals: {
                                signalId: string;
                                instrument: string;
                                /** @enum {string} */
                                side: "buy" | "sell";
                                /** @enum {string} */
                                orderType: "market" | "limit" | "stop";
                                entryPrice: number | null;
                                stopLoss: number | null;
                                takeProfit: number | null;
                                volume: number | null;
                                expiresAt: string;
                            }[];
                            updates: {
                                updateId: string;
                                signalId: string;
                                seq: number;
                                /** @enum {string} */
                                action: "modify" | "close" | "close_partial";
                                stopLoss: number | null;
                                takeProfit: number | null;
                                fraction: number | null;
                                brokerTicket: string;
                            }[];
                            settings: components["schemas"]["DeviceSettings"];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/device/hello": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        account: {
                            login: string;
                            server: string;
                            company?: string;
                            currency?: string;
                            balance?: number;
                            leverage?: number;
                        };
                        client: {
                            name: string;
                            version: string;
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            settings: components["schemas"]["DeviceSettings"];
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/device/ack": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        signalId: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Execution"];
                    };
                };
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Execution"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/device/fill": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        signalId: string;
                        price: number;
                        volume: number;
                        brokerTicket: string;
                        /** Format: date-time */
                        filledAt?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Execution"];
                    };
                };
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Execution"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/device/error": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        signalId: string;
                        code: number;
                        message: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Execution"];
                    };
                };
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Execution"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/device/update-result": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        updateId: string;
                        /** @enum {string} */
                        status: "applied" | "failed";
                        errorCode?: number | null;
                        errorMessage?: string | null;
                        closedVolume?: number | null;
                        closePrice?: number | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["UpdateResult"];
                    };
                };
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["UpdateResult"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/device/trades": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        ticket: string;
                        instrument: string;
                        /** @enum {string} */
                        side: "buy" | "sell";
                        volume: number;
                        openPrice: number;
                        closePrice: number;
                        profitMinor: number;
                        currency: string;
                        /** Format: date-time */
                        openedAt: string;
                        /** Format: date-time */
                        closedAt: string;
                        signalId?: string | null;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            ticket: string;
                            signalId: string | null;
                            /** @enum {string} */
                            source: "bot" | "manual";
                            profitMinor: number;
                            currency: string;
                            closedAt: string;
                        };
                    };
                };
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            ticket: string;
                            signalId: string | null;
                            /** @enum {string} */
                            source: "bot" | "manual";
                            profitMinor: number;
                            currency: string;
                            closedAt: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/orders": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["Order"][];
                            nextCursor: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: {
                    "idempotency-key"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        tierId: string;
                        months: number;
                        /** @enum {string} */
                        region?: "GB" | "US" | "EU" | "ASIA";
                        coupon?: string;
                        /**
                         * @default none
                         * @enum {string}
                         */
                        renewal?: "none" | "auto";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Order"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/orders/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Order"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/orders/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Order"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/orders": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    cursor?: string;
                    status?: "pending" | "paid" | "cancelled" | "expired" | "refunded";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["AdminOrder"][];
                            nextCursor: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/orders/{id}/mark-paid": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        reference: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AdminOrder"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/orders/{id}/checkout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: {
                    "idempotency-key"?: string;
                };
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @enum {string} */
                        provider: "stripe";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            provider: "stripe";
                            url: string;
                            sessionId: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/webhooks/stripe": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Stripe webhook (signed raw body) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/subscriptions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["Subscription"][];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/subscriptions/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Subscription"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/subscriptions/{id}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Subscription"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/me/billing-portal": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            url: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/checkout/state": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An order's state for the checkout return pages (keyed by the page link) */
        get: {
            parameters: {
                query?: {
                    order?: string;
                    t?: string;
                    session_id?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            orderId: string;
                            status: string;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/affiliates": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Affiliate"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/affiliates/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AffiliateWithStats"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/affiliates/me/commissions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                id: string;
                                orderId: string;
                                /** @enum {string} */
                                kind: "commission" | "clawback";
                                amountMinor: number;
                                currency: string;
                                rateBps: number;
                                /** @enum {string} */
                                tier: "bronze" | "silver" | "gold" | "platinum";
                                /** @enum {string} */
                                status: "pending" | "available" | "paid" | "reversed";
                                createdAt: string;
                                availableAt: string;
                            }[];
                            nextCursor: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/affiliates/me/payouts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    cursor?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["AffiliatePayout"][];
                            nextCursor: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: {
                    "idempotency-key"?: string;
                };
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        amountMinor: number;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AffiliatePayout"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/affiliates/me/payouts/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AffiliatePayout"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/channels": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                id: string;
                                chatId: string;
                                title: string;
                                /** @enum {string} */
                                type: "channel" | "supergroup" | "group";
                                /** @enum {string} */
                                minTier: "premium" | "vip" | "enterprise";
                                postSignals: boolean;
                                active: boolean;
                                inactiveReason: string | null;
                                createdAt: string;
                                members: number;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        chatId: string;
                        /** @enum {string} */
                        minTier: "premium" | "vip" | "enterprise";
                        postSignals: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Channel"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/channels/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
            };
        };
        options?: never;
        head?: never;
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @enum {string} */
                        minTier?: "premium" | "vip" | "enterprise";
                        postSignals?: boolean;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Channel"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/v1/me/channels": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                id: string;
                                title: string;
                                /** @enum {string} */
                                minTier: "premium" | "vip" | "enterprise";
                                /** @enum {string} */
                                access: "member" | "invited" | "none";
                                inviteLink: string | null;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/payouts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    cursor?: string;
                    status?: "requested" | "paid" | "rejected";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                id: string;
                                amountMinor: number;
                                currency: string;
                                /** @enum {string} */
                                status: "requested" | "paid" | "rejected";
                                reference: string | null;
                                rejectionReason: string | null;
                                createdAt: string;
                                decidedAt: string | null;
                                affiliate: {
                                    id: string;
                                    code: string;
                                    userId: string;
                                };
                            }[];
                            nextCursor: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/payouts/{id}/complete": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        reference: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AffiliatePayout"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/payouts/{id}/reject": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        reason: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AffiliatePayout"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/affiliates/flags": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    cursor?: string;
                    status?: "open" | "cleared" | "confirmed";
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                id: string;
                                /** @enum {string} */
                                reason: "self_referral" | "loop" | "velocity" | "shared_account";
                                /** @enum {string} */
                                status: "open" | "cleared" | "confirmed";
                                affiliate: {
                                    id: string;
                                    code: string;
                                    userId: string;
                                };
                                subject: {
                                    userId: string;
                                    referralId: string | null;
                                };
                                details: {
                                    [key: string]: unknown;
                                };
                                note: string | null;
                                reviewedBy: string | null;
                                reviewedAt: string | null;
                                createdAt: string;
                            }[];
                            nextCursor: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/affiliates/flags/{id}/clear": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        note?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            /** @enum {string} */
                            reason: "self_referral" | "loop" | "velocity" | "shared_account";
                            /** @enum {string} */
                            status: "open" | "cleared" | "confirmed";
                            affiliate: {
                                id: string;
                                code: string;
                                userId: string;
                            };
                            subject: {
                                userId: string;
                                referralId: string | null;
                            };
                            details: {
                                [key: string]: unknown;
                            };
                            note: string | null;
                            reviewedBy: string | null;
                            reviewedAt: string | null;
                            createdAt: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/affiliates/flags/{id}/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        note?: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            /** @enum {string} */
                            reason: "self_referral" | "loop" | "velocity" | "shared_account";
                            /** @enum {string} */
                            status: "open" | "cleared" | "confirmed";
                            affiliate: {
                                id: string;
                                code: string;
                                userId: string;
                            };
                            subject: {
                                userId: string;
                                referralId: string | null;
                            };
                            details: {
                                [key: string]: unknown;
                            };
                            note: string | null;
                            reviewedBy: string | null;
                            reviewedAt: string | null;
                            createdAt: string;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/console-links": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["ConsoleLink"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/console/session": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["CurrentConsoleSession"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/console/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": null;
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/console/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["ConsoleSession"][];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/console/sessions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": null;
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/broadcasts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        text: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            /** @enum {string} */
                            status: "queued";
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: {
                    days?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AdminStats"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    cursor?: string;
                    q?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["User"][];
                            nextCursor: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/users/{userId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    userId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["AdminUserDetail"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/devices": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: {
                    limit?: number;
                    cursor?: string;
                    online?: "true" | "false";
                    userId?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: components["schemas"]["AdminDevice"][];
                            nextCursor: string | null;
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/v1/admin/signals/{id}/fanout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["SignalFanout"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/telegram/webhook": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Telegram webhook (X-Telegram-Bot-Api-Secret-Token required) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": unknown;
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {boolean} */
                            ok: true;
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        AffiliateInput: {
            code: string;
            /** @enum {string} */
            tier: "bronze" | "silver" | "gold" | "platinum";
            rateBps: number;
            links: {
                web: string;
                telegram: string | null;
            };
            createdAt: string;
        };
        AffiliateWithStatsInput: {
            code: string;
            /** @enum {string} */
            tier: "bronze" | "silver" | "gold" | "platinum";
            rateBps: number;
            links: {
                web: string;
                telegram: string | null;
            };
            createdAt: string;
            stats: {
                referrals: number;
                visits: number;
                conversions: number;
                pendingMinor: number;
                availableMinor: number;
                paidMinor: number;
                requestedMinor: number;
                owedMinor: number;
                /** @enum {string} */
                currency: "GBP";
            };
        };
        AffiliatePayoutInput: {
            id: string;
            amountMinor: number;
            currency: string;
            /** @enum {string} */
            status: "requested" | "paid" | "rejected";
            reference: string | null;
            rejectionReason: string | null;
            createdAt: string;
            decidedAt: string | null;
        };
        UserInput: {
            id: string;
            telegramId: number;
            username: string | null;
            firstName: string;
            /** @enum {string} */
            role: "user" | "admin";
            /** @enum {string} */
            tier: "free" | "premium" | "vip" | "enterprise";
            autoApprove: boolean;
            /** @enum {string|null} */
            region: "GB" | "US" | "EU" | "ASIA" | null;
            referredBy: string | null;
            createdAt: string;
        };
        UserStandingInput: {
            id: string;
            disabled: boolean;
            disabledAt: string | null;
        };
        FeaturesInput: {
            signals: boolean;
            maxDevices: number;
            autoApprove: boolean;
            /** @enum {string} */
            minSignalTier: "premium" | "vip" | "enterprise";
        };
        ChannelInput: {
            id: string;
            chatId: string;
            title: string;
            /** @enum {string} */
            type: "channel" | "supergroup" | "group";
            /** @enum {string} */
            minTier: "premium" | "vip" | "enterprise";
            postSignals: boolean;
            active: boolean;
            inactiveReason: string | null;
            createdAt: string;
        };
        ConsoleLinkInput: {
            url: string;
            expiresAt: string;
        };
        ConsoleSessionInput: {
            id: string;
            userId: string;
            userAgent: string | null;
            ip: string | null;
            createdAt: string;
            expiresAt: string;
            current: boolean;
        };
        CurrentConsoleSessionInput: {
            session: components["schemas"]["ConsoleSessionInput"];
            csrfToken: string;
            user: components["schemas"]["UserInput"];
        };
        AdminStatsInput: {
            days: number;
            from: string;
            revenue: {
                day: string;
                currency: string;
                amountMinor: number;
            }[];
            revenueGbpMinor: number;
            activeSubscribers: {
                premium: number;
                vip: number;
                enterprise: number;
            };
            newUsers: number;
            churned: number;
            devicesOnline: number;
            signals: {
                published: number;
                approved: number;
                filled: number;
                failed: number;
            };
        };
        AdminDeviceInput: {
            id: string;
            userId: string;
            name: string;
            online: boolean;
            lastSeenAt: string | null;
            createdAt: string;
            revokedAt: string | null;
        };
        AdminUserDetailInput: {
            user: components["schemas"]["UserInput"];
            periods: {
                id: string;
                tierId: string;
                /** @enum {string} */
                level: "premium" | "vip" | "enterprise";
                startsAt: string;
                expiresAt: string;
                /** @enum {string} */
                source: "order" | "admin" | "trial" | "grace";
                orderId: string | null;
                revokedAt: string | null;
                active: boolean;
            }[];
            orders: {
                id: string;
                tierId: string;
                months: number;
                status: string;
                totalMinor: number;
                currency: string;
                provider: string | null;
                createdAt: string;
                paidAt: string | null;
                refundedAt: string | null;
            }[];
            devices: components["schemas"]["AdminDeviceInput"][];
            executions: {
                id: string;
                signalId: string;
                deviceId: string;
                instrument: string;
                /** @enum {string} */
                side: "buy" | "sell";
                /** @enum {string} */
                status: "acked" | "filled" | "failed";
                price: number | null;
                volume: number | null;
                errorMessage: string | null;
                ackedAt: string;
                filledAt: string | null;
                failedAt: string | null;
            }[];
        };
        SignalFanoutInput: {
            signalId: string;
            recipients: number;
            pending: number;
            approved: number;
            rejected: number;
            acked: number;
            filled: number;
            failed: number;
            silentDevices: components["schemas"]["AdminDeviceInput"][];
            silentTruncated: boolean;
        };
        DeviceInput: {
            id: string;
            name: string;
            createdAt: string;
            lastSeenAt: string | null;
            online: boolean;
            revokedAt: string | null;
            account: {
                login: string;
                server: string;
                company: string | null;
                currency: string | null;
                balance: number | null;
                leverage: number | null;
            } | null;
            client: {
                name: string;
                version: string;
            } | null;
            helloAt: string | null;
        };
        DeviceSettingsInput: {
            version: number;
            sizing: {
                /** @enum {string} */
                mode: "fixed" | "risk_percent" | "multiplier";
                value: number;
            };
            maxLots: number | null;
            symbolMap: {
                [key: string]: string;
            };
            symbolSuffix: string;
            maxSlippagePoints: number;
            maxEntryDeviationPct: number | null;
            paused: boolean;
        };
        UpdateResultInput: {
            updateId: string;
            signalId: string;
            deviceId: string;
            /** @enum {string} */
            status: "applied" | "failed";
            errorCode: number | null;
            errorMessage: string | null;
            closedVolume: number | null;
            closePrice: number | null;
            reportedAt: string;
        };
        ExecutionInput: {
            id: string;
            signalId: string;
            deviceId: string;
            /** @enum {string} */
            status: "acked" | "filled" | "failed";
            price: number | null;
            volume: number | null;
            brokerTicket: string | null;
            errorCode: number | null;
            errorMessage: string | null;
            ackedAt: string;
            filledAt: string | null;
            failedAt: string | null;
            updatedAt: string;
        };
        TrialPeriodInput: {
            id: string;
            tierId: string;
            /** @enum {string} */
            level: "premium" | "vip" | "enterprise";
            startsAt: string;
            expiresAt: string;
            /** @enum {string} */
            kind: "order" | "admin" | "trial" | "grace";
        };
        QuoteInput: {
            tierId: string;
            months: number;
            /** @enum {string} */
            region: "GB" | "US" | "EU" | "ASIA";
            currency: string;
            lines: {
                /** @enum {string} */
                code: "base" | "regional_markup" | "affiliate_discount" | "volume_discount" | "coupon";
                amountMinor: number;
            }[];
            totalMinor: number;
            /** @enum {string} */
            baseCurrency: "GBP";
            baseTotalMinor: number;
            fxRate: number;
        };
        OrderInput: {
            id: string;
            /** @enum {string} */
            status: "pending" | "paid" | "cancelled" | "expired" | "refunded";
            tierId: string;
            months: number;
            /** @enum {string} */
            region: "GB" | "US" | "EU" | "ASIA";
            quote: components["schemas"]["QuoteInput"];
            coupon: string | null;
            /** @enum {string} */
            renewal: "none" | "auto";
            subscriptionId: string | null;
            totalMinor: number;
            currency: string;
            /** @enum {string|null} */
            provider: "stripe" | "stars" | "manual" | null;
            createdAt: string;
            paidAt: string | null;
            expiresAt: string;
        };
        AdminOrderInput: {
            id: string;
            /** @enum {string} */
            status: "pending" | "paid" | "cancelled" | "expired" | "refunded";
            tierId: string;
            months: number;
            /** @enum {string} */
            region: "GB" | "US" | "EU" | "ASIA";
            quote: components["schemas"]["QuoteInput"];
            coupon: string | null;
            /** @enum {string} */
            renewal: "none" | "auto";
            subscriptionId: string | null;
            totalMinor: number;
            currency: string;
            /** @enum {string|null} */
            provider: "stripe" | "stars" | "manual" | null;
            createdAt: string;
            paidAt: string | null;
            expiresAt: string;
            userId: string;
            providerReference: string | null;
            flaggedReason: string | null;
            cancelledAt: string | null;
            refundedAt: string | null;
        };
        CouponInput: {
            code: string;
            percentOff: number | null;
            amountOffMinor: number | null;
            currency: string | null;
            maxRedemptions: number | null;
            redemptions: number;
            expiresAt: string | null;
            tierIds: string[] | null;
            firstOrderOnly: boolean;
            createdAt: string;
        };
        SignalUpdateInput: {
            id: string;
            signalId: string;
            seq: number;
            /** @enum {string} */
            action: "modify" | "close" | "close_partial";
            stopLoss: number | null;
            takeProfit: number | null;
            fraction: number | null;
            note: string | null;
            externalId: string | null;
            createdAt: string;
        };
        SignalInput: {
            id: string;
            externalId: string | null;
            instrument: string;
            /** @enum {string} */
            side: "buy" | "sell";
            /** @enum {string} */
            orderType: "market" | "limit" | "stop";
            entryPrice: number | null;
            stopLoss: number | null;
            takeProfit: number | null;
            volume: number | null;
            /** @enum {string} */
            minTier: "premium" | "vip" | "enterprise";
            note: string | null;
            /** @enum {string} */
            status: "open" | "expired" | "cancelled";
            /** @enum {string} */
            positionStatus: "open" | "closed";
            updates: components["schemas"]["SignalUpdateInput"][];
            createdAt: string;
            expiresAt: string;
            recipients: number;
            /** @enum {string} */
            decision?: "pending" | "approved" | "rejected" | "expired";
            decisions?: {
                pending: number;
                approved: number;
                rejected: number;
            };
        };
        SubscriptionInput: {
            id: string;
            tierId: string;
            months: number;
            /** @enum {string} */
            provider: "stripe" | "stars";
            /** @enum {string} */
            status: "active" | "past_due" | "cancelled" | "ended";
            currentPeriodEnd: string | null;
            cancelAtPeriodEnd: boolean;
            amountMinor: number;
            currency: string;
            createdAt: string;
        };
        TrackRecordInput: {
            days: number;
            since: string;
            generatedAt: string;
            signals: number;
            wins: number;
            losses: number;
            breakeven: number;
            winRate: number;
            totalPips: number;
            averageR: number | null;
            maxDrawdownR: number;
            unresolved: number;
            items: {
                signalId: string;
                instrument: string;
                /** @enum {string} */
                side: "buy" | "sell";
                closedAt: string;
                entry: number;
                exit: number;
                pips: number;
                r: number | null;
            }[];
        };
        Affiliate: {
            code: string;
            /** @enum {string} */
            tier: "bronze" | "silver" | "gold" | "platinum";
            rateBps: number;
            links: {
                web: string;
                telegram: string | null;
            };
            createdAt: string;
        };
        AffiliateWithStats: {
            code: string;
            /** @enum {string} */
            tier: "bronze" | "silver" | "gold" | "platinum";
            rateBps: number;
            links: {
                web: string;
                telegram: string | null;
            };
            createdAt: string;
            stats: {
                referrals: number;
                visits: number;
                conversions: number;
                pendingMinor: number;
                availableMinor: number;
                paidMinor: number;
                requestedMinor: number;
                owedMinor: number;
                /** @enum {string} */
                currency: "GBP";
            };
        };
        AffiliatePayout: {
            id: string;
            amountMinor: number;
            currency: string;
            /** @enum {string} */
            status: "requested" | "paid" | "rejected";
            reference: string | null;
            rejectionReason: string | null;
            createdAt: string;
            decidedAt: string | null;
        };
        User: {
            id: string;
            telegramId: number;
            username: string | null;
            firstName: string;
            /** @enum {string} */
            role: "user" | "admin";
            /** @enum {string} */
            tier: "free" | "premium" | "vip" | "enterprise";
            autoApprove: boolean;
            /** @enum {string|null} */
            region: "GB" | "US" | "EU" | "ASIA" | null;
            referredBy: string | null;
            createdAt: string;
        };
        UserStanding: {
            id: string;
            disabled: boolean;
            disabledAt: string | null;
        };
        Features: {
            signals: boolean;
            maxDevices: number;
            autoApprove: boolean;
            /** @enum {string} */
            minSignalTier: "premium" | "vip" | "enterprise";
        };
        Channel: {
            id: string;
            chatId: string;
            title: string;
            /** @enum {string} */
            type: "channel" | "supergroup" | "group";
            /** @enum {string} */
            minTier: "premium" | "vip" | "enterprise";
            postSignals: boolean;
            active: boolean;
            inactiveReason: string | null;
            createdAt: string;
        };
        ConsoleLink: {
            url: string;
            expiresAt: string;
        };
        ConsoleSession: {
            id: string;
            userId: string;
            userAgent: string | null;
            ip: string | null;
            createdAt: string;
            expiresAt: string;
            current: boolean;
        };
        CurrentConsoleSession: {
            session: components["schemas"]["ConsoleSession"];
            csrfToken: string;
            user: components["schemas"]["User"];
        };
        AdminStats: {
            days: number;
            from: string;
            revenue: {
                day: string;
                currency: string;
                amountMinor: number;
            }[];
            revenueGbpMinor: number;
            activeSubscribers: {
                premium: number;
                vip: number;
                enterprise: number;
            };
            newUsers: number;
            churned: number;
            devicesOnline: number;
            signals: {
                published: number;
                approved: number;
                filled: number;
                failed: number;
            };
        };
        AdminDevice: {
            id: string;
            userId: string;
            name: string;
            online: boolean;
            lastSeenAt: string | null;
            createdAt: string;
            revokedAt: string | null;
        };
        AdminUserDetail: {
            user: components["schemas"]["User"];
            periods: {
                id: string;
                tierId: string;
                /** @enum {string} */
                level: "premium" | "vip" | "enterprise";
                startsAt: string;
                expiresAt: string;
                /** @enum {string} */
                source: "order" | "admin" | "trial" | "grace";
                orderId: string | null;
                revokedAt: string | null;
                active: boolean;
            }[];
            orders: {
                id: string;
                tierId: string;
                months: number;
                status: string;
                totalMinor: number;
                currency: string;
                provider: string | null;
                createdAt: string;
                paidAt: string | null;
                refundedAt: string | null;
            }[];
            devices: components["schemas"]["AdminDevice"][];
            executions: {
                id: string;
                signalId: string;
                deviceId: string;
                instrument: string;
                /** @enum {string} */
                side: "buy" | "sell";
                /** @enum {string} */
                status: "acked" | "filled" | "failed";
                price: number | null;
                volume: number | null;
                errorMessage: string | null;
                ackedAt: string;
                filledAt: string | null;
                failedAt: string | null;
            }[];
        };
        SignalFanout: {
            signalId: string;
            recipients: number;
            pending: number;
            approved: number;
            rejected: number;
            acked: number;
            filled: number;
            failed: number;
            silentDevices: components["schemas"]["AdminDevice"][];
            silentTruncated: boolean;
        };
        Device: {
            id: string;
            name: string;
            createdAt: string;
            lastSeenAt: string | null;
            online: boolean;
            revokedAt: string | null;
            account: {
                login: string;
                server: string;
                company: string | null;
                currency: string | null;
                balance: number | null;
                leverage: number | null;
            } | null;
            client: {
                name: string;
                version: string;
            } | null;
            helloAt: string | null;
        };
        DeviceSettings: {
            version: number;
            sizing: {
                /** @enum {string} */
                mode: "fixed" | "risk_percent" | "multiplier";
                value: number;
            };
            maxLots: number | null;
            symbolMap: {
                [key: string]: string;
            };
            symbolSuffix: string;
            maxSlippagePoints: number;
            maxEntryDeviationPct: number | null;
            paused: boolean;
        };
        UpdateResult: {
            updateId: string;
            signalId: string;
            deviceId: string;
            /** @enum {string} */
            status: "applied" | "failed";
            errorCode: number | null;
            errorMessage: string | null;
            closedVolume: number | null;
            closePrice: number | null;
            reportedAt: string;
        };
        Execution: {
            id: string;
            signalId: string;
            deviceId: string;
            /** @enum {string} */
            status: "acked" | "filled" | "failed";
            price: number | null;
            volume: number | null;
            brokerTicket: string | null;
            errorCode: number | null;
            errorMessage: string | null;
            ackedAt: string;
            filledAt: string | null;
            failedAt: string | null;
            updatedAt: string;
        };
        TrialPeriod: {
            id: string;
            tierId: string;
            /** @enum {string} */
            level: "premium" | "vip" | "enterprise";
            startsAt: string;
            expiresAt: string;
            /** @enum {string} */
            kind: "order" | "admin" | "trial" | "grace";
        };
        Quote: {
            tierId: string;
            months: number;
            /** @enum {string} */
            region: "GB" | "US" | "EU" | "ASIA";
            currency: string;
            lines: {
                /** @enum {string} */
                code: "base" | "regional_markup" | "affiliate_discount" | "volume_discount" | "coupon";
                amountMinor: number;
            }[];
            totalMinor: number;
            /** @enum {string} */
            baseCurrency: "GBP";
            baseTotalMinor: number;
            fxRate: number;
        };
        Order: {
            id: string;
            /** @enum {string} */
            status: "pending" | "paid" | "cancelled" | "expired" | "refunded";
            tierId: string;
            months: number;
            /** @enum {string} */
            region: "GB" | "US" | "EU" | "ASIA";
            quote: components["schemas"]["Quote"];
            coupon: string | null;
            /** @enum {string} */
            renewal: "none" | "auto";
            subscriptionId: string | null;
            totalMinor: number;
            currency: string;
            /** @enum {string|null} */
            provider: "stripe" | "stars" | "manual" | null;
            createdAt: string;
            paidAt: string | null;
            expiresAt: string;
        };
        AdminOrder: {
            id: string;
            /** @enum {string} */
            status: "pending" | "paid" | "cancelled" | "expired" | "refunded";
            tierId: string;
            months: number;
            /** @enum {string} */
            region: "GB" | "US" | "EU" | "ASIA";
            quote: components["schemas"]["Quote"];
            coupon: string | null;
            /** @enum {string} */
            renewal: "none" | "auto";
            subscriptionId: string | null;
            totalMinor: number;
            currency: string;
            /** @enum {string|null} */
            provider: "stripe" | "stars" | "manual" | null;
            createdAt: string;
            paidAt: string | null;
            expiresAt: string;
            userId: string;
            providerReference: string | null;
            flaggedReason: string | null;
            cancelledAt: string | null;
            refundedAt: string | null;
        };
        Coupon: {
            code: string;
            percentOff: number | null;
            amountOffMinor: number | null;
            currency: string | null;
            maxRedemptions: number | null;
            redemptions: number;
            expiresAt: string | null;
            tierIds: string[] | null;
            firstOrderOnly: boolean;
            createdAt: string;
        };
        SignalUpdate: {
            id: string;
            signalId: string;
            seq: number;
            /** @enum {string} */
            action: "modify" | "close" | "close_partial";
            stopLoss: number | null;
            takeProfit: number | null;
            fraction: number | null;
            note: string | null;
            externalId: string | null;
            createdAt: string;
        };
        Signal: {
            id: string;
            externalId: string | null;
            instrument: string;
            /** @enum {string} */
            side: "buy" | "sell";
            /** @enum {string} */
            orderType: "market" | "limit" | "stop";
            entryPrice: number | null;
            stopLoss: number | null;
            takeProfit: number | null;
            volume: number | null;
            /** @enum {string} */
            minTier: "premium" | "vip" | "enterprise";
            note: string | null;
            /** @enum {string} */
            status: "open" | "expired" | "cancelled";
            /** @enum {string} */
            positionStatus: "open" | "closed";
            updates: components["schemas"]["SignalUpdate"][];
            createdAt: string;
            expiresAt: string;
            recipients: number;
            /** @enum {string} */
            decision?: "pending" | "approved" | "rejected" | "expired";
            decisions?: {
                pending: number;
                approved: number;
                rejected: number;
            };
        };
        Subscription: {
            id: string;
            tierId: string;
            months: number;
            /** @enum {string} */
            provider: "stripe" | "stars";
            /** @enum {string} */
            status: "active" | "past_due" | "cancelled" | "ended";
            currentPeriodEnd: string | null;
            cancelAtPeriodEnd: boolean;
            amountMinor: number;
            currency: string;
            createdAt: string;
        };
        TrackRecord: {
            days: number;
            since: string;
            generatedAt: string;
            signals: number;
            wins: number;
            losses: number;
            breakeven: number;
            winRate: number;
            totalPips: number;
            averageR: number | null;
            maxDrawdownR: number;
            unresolved: number;
            items: {
                signalId: string;
                instrument: string;
                /** @enum {string} */
                side: "buy" | "sell";
                closedAt: string;
                entry: number;
                exit: number;
                pips: number;
                r: number | null;
            }[];
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
