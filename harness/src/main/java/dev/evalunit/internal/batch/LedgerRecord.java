package dev.evalunit.internal.batch;

/**
 * One line of the batch ledger, schema version {@value #SCHEMA}. Every line names its event and
 * ledger id; the other fields are those the event has, the rest are left out:
 *
 * <pre>{@code
 * {"v":1,"event":"planned","ledgerId":"b-20250807T101500Z-3f2a9c","at":"2025-08-07T10:15:00Z","model":"gpt-4o-mini",
 *  "requests":5000,"input":"b-...-3f2a9c.input.jsonl","ids":"b-...-3f2a9c.ids.jsonl","sha256":"9f86d0...","bytes":1843200,
 *  "round":0,"estimatedUsd":0.42,"origin":"live api.openai.com/v1"}
 * {"v":1,"event":"uploaded","ledgerId":"b-...","at":"...","fileId":"file-abc"}
 * {"v":1,"event":"created","ledgerId":"b-...","at":"...","batchId":"batch_abc"}
 * {"v":1,"event":"status","ledgerId":"b-...","at":"...","batchId":"batch_abc","status":"in_progress","total":5000,"completed":1200,"failed":3}
 * {"v":1,"event":"cancelled","ledgerId":"b-...","at":"...","batchId":"batch_abc","reason":"deadline"}
 * {"v":1,"event":"collected","ledgerId":"b-...","at":"...","batchId":"batch_abc","status":"completed","completed":4997,"failed":3}
 * {"v":1,"event":"abandoned","ledgerId":"b-...","at":"...","reason":"..."}
 * }</pre>
 */
record LedgerRecord(int v, String event, String ledgerId, String at, String model, Integer requests, String input,
                    String ids, String sha256, Long bytes, Integer round, Double estimatedUsd, String fileId,
                    String batchId, String status, Long total, Long completed, Long failed, String reason,
                    String origin) {

    static final int SCHEMA = 1;

    static final String PLANNED = "planned";
    static final String UPLOADED = "uploaded";
    static final String CREATED = "created";
    static final String STATUS = "status";
    static final String CANCELLED = "cancelled";
    static final String COLLECTED = "collected";
    static final String ABANDONED = "abandoned";

    static LedgerRecord event(String event, String ledgerId, String at) {
        return new LedgerRecord(SCHEMA, event, ledgerId, at, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null);
    }
}
