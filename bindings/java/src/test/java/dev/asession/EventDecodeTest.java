package dev.asession;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.asession.generated.AscpEvent;
import dev.asession.generated.DryRunEvent;
import dev.asession.generated.Event;
import dev.asession.generated.ResultEvent;
import dev.asession.generated.RetryEvent;
import dev.asession.generated.SpawnEvent;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventDecodeTest {
  @Test
  void ascpFieldsAreTypedAndTextThatDidNotParseStaysReachable() {
    String line =
        "{\"type\":\"STATS\",\"session_index\":1,\"transfer_bytes\":12345678901,\"rate\":\"50%\",\"encryption\":true,"
            + "\"remote\":\"Maybe\",\"size\":\"12x\",\"file\":\"dir/a\\nb.bin\",\"brand_new\":\"v\",\"session_id\":\"u-1\"}";
    AscpEvent e = assertInstanceOf(AscpEvent.class, Event.decode(line));
    assertEquals("STATS", e.type());
    assertEquals(1L, e.sessionIndex());
    assertEquals(12345678901L, e.transferBytes());
    assertNull(e.rate(), "a percentage is not kbps");
    assertEquals("50%", e.text("rate"));
    assertEquals(Boolean.TRUE, e.encryption());
    assertNull(e.remote(), "neither Yes nor No");
    assertEquals("Maybe", e.text("remote"));
    assertNull(e.size());
    assertEquals("12x", e.text("size"));
    assertEquals("dir/a\nb.bin", e.file());
    assertEquals("u-1", e.sessionId());
    assertNull(e.written(), "absent");
    assertEquals(Map.of("brand_new", "v"), e.extra());
    assertEquals(line, e.raw());
  }

  @Test
  void unknownTypesAreAscpEvents() {
    AscpEvent e = assertInstanceOf(AscpEvent.class, Event.decode("{\"type\":\"FUTURE\",\"x\":\"1\"}"));
    assertEquals("FUTURE", e.type());
    assertEquals(Map.of("x", "1"), e.extra());
  }

  @Test
  void engineEventsAreRecords() {
    SpawnEvent s = assertInstanceOf(SpawnEvent.class, Event.decode(
        "{\"type\":\"SPAWN\",\"session_index\":0,\"attempt\":1,\"pid\":4242,\"ascp_path\":\"/bin/ascp\",\"argv\":[\"-M\",\"1\"]}"));
    assertEquals(4242L, s.pid());
    assertEquals(List.of("-M", "1"), s.argv());
    assertEquals("SPAWN", s.type());

    RetryEvent r = assertInstanceOf(RetryEvent.class, Event.decode(
        "{\"type\":\"RETRY\",\"session_index\":0,\"attempt\":2,\"code\":16,\"name\":\"CONNECTION_LOST\",\"message\":\"m\",\"delay_sec\":1.5}"));
    assertEquals(1.5, r.delaySec());

    ResultEvent res = assertInstanceOf(ResultEvent.class, Event.decode(
        "{\"type\":\"RESULT\",\"status\":\"failed\",\"exit_code\":1,"
            + "\"error\":{\"source\":\"ascp\",\"code\":19,\"name\":\"AUTH\",\"message\":\"no\",\"retryable\":false},"
            + "\"sessions\":[{\"session_index\":0,\"status\":\"failed\",\"attempts\":1,\"exit_code\":null,\"error\":null}],"
            + "\"totals\":{\"files_passed\":0,\"files_failed\":1,\"files_skipped\":0,\"bytes_transferred\":0,\"file_bytes\":0},"
            + "\"elapsed_ms\":12}"));
    assertEquals(19L, res.error().code());
    assertFalse(res.error().retryable());
    assertEquals(1, res.sessions().size());
    assertNull(res.sessions().get(0).exitCode());
    assertNull(res.sessions().get(0).error());
    assertEquals(1L, res.totals().filesFailed());
  }

  @Test
  void dryRunPlanIsARecordWithNestedTypes() {
    DryRunEvent d = assertInstanceOf(DryRunEvent.class, Event.decode(
        "{\"type\":\"DRY_RUN\",\"ascp_path\":\"/x/ascp\",\"sessions\":[{\"session_index\":0,\"argv\":[\"-M\",\"0\"],"
            + "\"command_line\":\"ASPERA_SCP_PASS=*** /x/ascp -M 0\"}],\"env\":{\"ASPERA_SCP_PASS\":\"***\"},"
            + "\"file_list\":{\"option\":\"--file-list\",\"entries\":1},\"unknown_keys\":[],\"ignored_keys\":[\"x\"],\"events\":\"all\"}"));
    assertEquals(List.of("-M", "0"), d.sessions().get(0).argv());
    assertEquals(Map.of("ASPERA_SCP_PASS", "***"), d.env());
    assertEquals(1L, d.fileList().entries());
    assertNull(d.fileList().path());
    assertEquals(List.of("x"), d.ignoredKeys());
    DryRunEvent persistent = (DryRunEvent) Event.decode(
        "{\"type\":\"DRY_RUN\",\"ascp_path\":\"a\",\"sessions\":[],\"env\":{},\"file_list\":null,"
            + "\"unknown_keys\":[],\"ignored_keys\":[],\"events\":\"ascp\"}");
    assertNull(persistent.fileList());
  }

  @Test
  void malformedLinesAreRefusedWithTheReason() {
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> Event.decode("{\"type\":\"SPAWN\",\"session_index\":0,\"attempt\":1,\"ascp_path\":\"a\",\"argv\":[]}"));
    assertTrue(missing.getMessage().contains("\"pid\""), missing.getMessage());
    IllegalArgumentException wrongType = assertThrows(IllegalArgumentException.class,
        () -> Event.decode("{\"type\":\"WARNING\",\"code\":7,\"message\":\"m\"}"));
    assertTrue(wrongType.getMessage().contains("\"code\""), wrongType.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Event.decode("not json"));
    assertThrows(IllegalArgumentException.class, () -> Event.decode("[1]"));
    assertThrows(IllegalArgumentException.class, () -> Event.decode("{\"type\":3}"));
  }
}
