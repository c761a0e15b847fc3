package dev.broadband.operator.reconciler;

/** CamelCase reasons shared by the conditions and the Events, one per thing that can happen. */
public final class Reasons {

  public static final String SENDER_CREATED = "SenderCreated";
  public static final String SENDER_SCHEDULING = "SenderScheduling";
  public static final String DOWNLOADING = "Downloading";
  public static final String WAITING_FOR_RECEIVERS = "WaitingForReceivers";
  public static final String BROADCASTING = "Broadcasting";
  public static final String VERIFYING = "Verifying";
  public static final String ALL_NODES_SUCCEEDED = "AllNodesSucceeded";
  public static final String NODES_FAILED = "NodesFailed";
  public static final String DRY_RUN_PASSED = "DryRunPassed";
  public static final String DRY_RUN_REFUSED = "DryRunRefused";
  public static final String SESSION_ABORTED = "SessionAborted";
  public static final String INVALID_SPEC = "InvalidSpec";
  public static final String NO_TARGET_NODES = "NoTargetNodes";
  public static final String WAITING_FOR_PORTS = "WaitingForPorts";
  public static final String SENDER_RESTARTED = "SenderRestarted";
  public static final String SENDER_FAILED = "SenderFailed";
  public static final String STATUS_UNAVAILABLE = "StatusUnavailable";
  public static final String API_REFUSED = "ApiRefused";
  /** The image is written, but the Node could not be annotated with it. */
  public static final String NODE_RECORD_FAILED = "NodeRecordFailed";

  private Reasons() {
  }
}
