import { serve } from "@polyconnect/sdk";
import { {{class}} } from "./{{kind}}.js";

await serve({{class}});
