-- Signals published before updates existed: their current stop loss and take profit are the published ones.
UPDATE "signals" SET "initial_stop_loss" = "stop_loss", "initial_take_profit" = "take_profit";
