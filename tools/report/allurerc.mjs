// Allure 3 configuration for the HTML report (tools/report.sh sets the paths).
// Two reports in one folder: awesome/ (the cases, their steps and
// attachments) and dashboard/ (trends), with an index.html leading to both.
// The categories are the ones the harness writes into the results folder
// (categories.json, harness/allure_files.py): one definition for both.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const results = process.env.HIL_ALLURE_RESULTS;
const categoriesFile = results ? join(results, "categories.json") : "";
const categories = categoriesFile && existsSync(categoriesFile)
  ? JSON.parse(readFileSync(categoriesFile, "utf8")).map(({ description, ...rule }) => rule)
  : undefined;

export default {
  name: process.env.HIL_REPORT_NAME || "bytecode-hil conformance",
  output: process.env.HIL_ALLURE_REPORT,
  historyPath: process.env.HIL_ALLURE_HISTORY,
  ...(categories ? { categories } : {}),
  plugins: {
    awesome: {
      options: {
        reportLanguage: "en",
        groupBy: ["epic", "subSuite"],
      },
    },
    // Trends over the runs in the history file: status dynamics and more.
    dashboard: {
      options: {
        reportLanguage: "en",
      },
    },
  },
};
