/**
 * CloudWatch's PutMetricAlarm limits (components/alarm-limits.ts) and the alarm catalogue's own
 * defaults against them: each rule at its boundary, so a wrong limit fails here.
 */
import { strict as assert } from "node:assert";
import { ALARM_KIND_NAMES, ALARM_KINDS, alarmSettingsProblems, alarmTimingProblems, metricAlarmProblems, periodProblem, resolveSettings, thresholdsProblems } from "fargatekit";

describe("alarm limits (CloudWatch PutMetricAlarm)", () => {
    it("period: 10, 20, 30 or a multiple of 60", () => {
        for (const ok of [10, 20, 30, 60, 120, 300, 3600, 86400]) assert.equal(periodProblem(ok), undefined, `${ok}`);
        for (const bad of [0, 5, 15, 45, 59, 61, 90, 30.5]) assert.match(periodProblem(bad)!, /allowed: 10, 20, 30 or a multiple of 60/, `${bad}`);
    });

    it("period × evaluationPeriods: at most one day under an hour's period, seven days from an hour up", () => {
        assert.deepEqual(alarmTimingProblems("a", { period: 60, evaluationPeriods: 1440 }), []);
        assert.match(alarmTimingProblems("a", { period: 60, evaluationPeriods: 1441 })[0], /^a\.evaluationPeriods: got 1441 × period 60 s = 86460 s; allowed: at most 86400 s .*at most 1440 periods/);
        assert.deepEqual(alarmTimingProblems("a", { period: 3540, evaluationPeriods: 24 }), []);
        assert.equal(alarmTimingProblems("a", { period: 3540, evaluationPeriods: 25 }).length, 1, "3540 s is under an hour: one day");
        assert.deepEqual(alarmTimingProblems("a", { period: 3600, evaluationPeriods: 168 }), []);
        assert.match(alarmTimingProblems("a", { period: 3600, evaluationPeriods: 169 })[0], /at most 604800 s \(seven days\)/);
    });

    it("datapointsToAlarm: at least 1, at most evaluationPeriods (the M of M out of N)", () => {
        assert.deepEqual(alarmTimingProblems("a", { evaluationPeriods: 5, datapointsToAlarm: 5 }), []);
        assert.match(alarmTimingProblems("a", { evaluationPeriods: 5, datapointsToAlarm: 6 })[0], /a\.datapointsToAlarm: got 6; allowed: at most evaluationPeriods \(5\)/);
        assert.match(alarmTimingProblems("a", { evaluationPeriods: 0 })[0], /evaluationPeriods: got 0; allowed: an integer ≥ 1/);
    });

    it("a metric math alarm: exactly one returned query, ids CloudWatch accepts, no top-level metric fields; a plain alarm: one statistic", () => {
        const q = (id: string, returnData: boolean, expression?: string) => (expression ? { id, returnData, expression } : { id, returnData, metric: { metricName: "RequestCount", namespace: "AWS/ApplicationELB", period: 60, stat: "Sum" } });
        assert.deepEqual(metricAlarmProblems({ name: "x", evaluationPeriods: 1, metricQueries: [q("m", false), q("e", true, "m * 2")] }), []);
        assert.match(metricAlarmProblems({ evaluationPeriods: 1, metricQueries: [q("m", true), q("e", true, "m * 2")] }).join(), /2 queries return data; exactly one/);
        assert.match(metricAlarmProblems({ evaluationPeriods: 1, metricQueries: [q("Errors", false), q("e", true, "Errors")] }).join(), /id "Errors" must start with a lowercase letter/);
        assert.match(metricAlarmProblems({ evaluationPeriods: 1, period: 60, metricQueries: [q("e", true, "1")] }).join(), /metric math alarm also sets period/);
        assert.match(metricAlarmProblems({ evaluationPeriods: 1, metricName: "CPUUtilization", period: 60, statistic: "Average", extendedStatistic: "p99" }).join(), /exactly one of statistic and extendedStatistic/);
        assert.match(metricAlarmProblems({ evaluationPeriods: 1, metricName: "x", period: 60, statistic: "Sum", alarmActions: ["a", "b", "c", "d", "e", "f"] }).join(), /alarmActions: 6 actions; allowed: at most 5/);
        assert.match(metricAlarmProblems({ evaluationPeriods: 1, name: "n".repeat(256), metricName: "x", period: 60, statistic: "Sum" }).join(), /name: 256 characters; allowed: 1–255/);
    });

    it("every alarm's defaults pass their own checks; thresholds out of range are named with their unit", () => {
        for (const kind of ALARM_KIND_NAMES) assert.deepEqual(alarmSettingsProblems(kind, kind, ALARM_KINDS[kind].defaults), [], kind);
        assert.match(alarmSettingsProblems("x", "cpu", { threshold: 0 }).join(), /x\.threshold: got 0; allowed: a number 1–100 \(%\)/);
        assert.match(alarmSettingsProblems("x", "deadLetters", { threshold: 0.5 }).join(), /an integer 0–1000000/);
        assert.deepEqual(resolveSettings("cpu", { threshold: 70 }, { period: 60 }), { ...ALARM_KINDS.cpu.defaults, threshold: 70, period: 60 });
        // Checked merged over the defaults: 6 breaching points of the default 5 periods.
        assert.match(thresholdsProblems("t", { latencyP99: { datapointsToAlarm: 6 } }).join(), /t\.latencyP99\.datapointsToAlarm: got 6/);
        assert.match(thresholdsProblems("t", { nope: {} } as never).join(), /t\.nope: unknown alarm/);
    });
});
