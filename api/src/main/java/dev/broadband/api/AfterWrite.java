package dev.broadband.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What a node does once its disk holds the verified image. */
public enum AfterWrite {
  /** Nothing: a data disk, or an inactive A/B slot that the user switches to. */
  @JsonProperty("None") NONE,
  /**
   * Ask for a reboot through the reboot-required sentinel file that kured watches, so that nodes are drained and
   * rebooted one at a time into what was written.
   */
  @JsonProperty("Reboot") REBOOT
}
