using System.Text;

namespace CrashLab.Harness.Tests.Fakes;

/// <summary>
/// Lines a hostile backend might write: broken framing, invalid UTF-8, nesting past any parser's
/// depth, numbers out of range, wrong types, replies to ids never sent, start events twice.
/// </summary>
internal static class HostileLines
{
    public static byte[] Line(string text) => Encoding.UTF8.GetBytes(text + "\n");

    public static byte[] Ready(long next = 1) => Line($$"""{"event":"ready","protocol":1,"backend":"hostile","first_lsn":1,"next_lsn":{{next}},"corruption":null}""");

    /// <summary>A correct reply to the first append after a fresh start (the durable probe).</summary>
    public static byte[] ProbeOk => Line("""{"id":$ID,"ok":true,"first_lsn":1,"last_lsn":1,"durable_lsn":1}""");

    private static string Big(int chars) => new('x', chars);

    /// <summary>Hostile start-ups: each must end in a finding (or, for fatal, a refusal judged as rule 6 on a clean state).</summary>
    public static IReadOnlyDictionary<string, byte[][]> Starts { get; } = new Dictionary<string, byte[][]>
    {
        ["ready-protocol-2"] = [Line("""{"event":"ready","protocol":2,"first_lsn":1,"next_lsn":1}""")],
        ["ready-missing-next"] = [Line("""{"event":"ready","protocol":1,"first_lsn":1}""")],
        ["ready-next-1e400"] = [Line("""{"event":"ready","protocol":1,"first_lsn":1,"next_lsn":1e400}""")],
        ["ready-next-30-digits"] = [Line("""{"event":"ready","protocol":1,"first_lsn":1,"next_lsn":123456789012345678901234567890}""")],
        ["ready-first-string"] = [Line("""{"event":"ready","protocol":1,"first_lsn":"1","next_lsn":1}""")],
        ["ready-first-negative"] = [Line("""{"event":"ready","protocol":1,"first_lsn":-5,"next_lsn":1}""")],
        ["ready-protocol-fraction"] = [Line("""{"event":"ready","protocol":1.5,"first_lsn":1,"next_lsn":1}""")],
        ["ready-corruption-number"] = [Line("""{"event":"ready","protocol":1,"first_lsn":1,"next_lsn":1,"corruption":5}""")],
        ["ready-corruption-lsn-string"] = [Line("""{"event":"ready","protocol":1,"first_lsn":1,"next_lsn":1,"corruption":{"lsn":"x"}}""")],
        ["ready-name-invalid-utf8"] = [[.. "{\"event\":\"ready\",\"protocol\":1,\"backend\":\""u8, 0xff, 0xfe, .. "\",\"first_lsn\":1,\"next_lsn\":1}\n"u8]],
        ["ready-twice"] = [Ready(), Ready()],
        ["fatal-after-ready"] = [Ready(), Line("""{"event":"fatal","message":"changed my mind"}""")],
        ["reply-before-ready"] = [Line("""{"id":1,"ok":true}"""), Ready()],
        ["nested-100k"] = [Line(new string('[', 100_000) + new string(']', 100_000))],
        ["not-json"] = [Line("Traceback (most recent call last):")],
        ["empty-line"] = [Line("")],
        ["json-array"] = [Line("[1,2,3]")],
        ["event-number"] = [Line("""{"event":5}""")],
        ["event-unknown"] = [Line("""{"event":"hello"}""")],
        ["nul-bytes"] = [[0, 0, 0, (byte)'\n']],
        ["invalid-utf8-line"] = [[0xff, 0xfe, 0x80, (byte)'\n']],
        ["fatal-600k-message"] = [Line($$"""{"event":"fatal","message":"\u0000\u001b[31m{{Big(600_000)}}\ud800"}""")],
        ["ready-without-newline"] = [Encoding.UTF8.GetBytes("""{"event":"ready","protocol":1,"first_lsn":1,"next_lsn":1}""")],
        ["trailing-garbage"] = [Line("""{"event":"ready","protocol":1,"first_lsn":1,"next_lsn":1} and more""")],
    };

    /// <summary>Hostile answers to the first request (any op): each must end in a finding.</summary>
    public static IReadOnlyDictionary<string, byte[][]> Replies { get; } = new Dictionary<string, byte[][]>
    {
        ["no-ok"] = [Line($$"""{"id":$ID,"junk":"{{Big(600_000)}}"}""")],
        ["ok-string"] = [Line("""{"id":$ID,"ok":"yes"}""")],
        ["ok-null"] = [Line("""{"id":$ID,"ok":null}""")],
        ["lsn-1e30"] = [Line("""{"id":$ID,"ok":true,"first_lsn":1e30,"last_lsn":1,"durable_lsn":1,"next_lsn":1,"records":[]}""")],
        ["lsn-string"] = [Line("""{"id":$ID,"ok":true,"first_lsn":"1","last_lsn":"1","durable_lsn":"1","next_lsn":"1","records":[]}""")],
        ["error-unknown-code"] = [Line("""{"id":$ID,"ok":false,"error":"oops"}""")],
        ["error-code-number"] = [Line("""{"id":$ID,"ok":false,"error":7}""")],
        ["error-600k-message"] = [Line($$"""{"id":$ID,"ok":false,"error":"io","message":"\u0007\r\n{{Big(600_000)}}\udc00"}""")],
        ["unknown-id-first"] = [Line("""{"id":987654321,"ok":true}"""), ProbeOk],
        ["id-string"] = [Line("""{"id":"$ID","ok":true}""")],
        ["id-1e400"] = [Line("""{"id":1e400,"ok":true}""")],
        ["id-zero-malformed"] = [Line("""{"id":0,"ok":false,"error":"bad_request","message":"cannot parse"}"""), ProbeOk],
        ["nested-deep"] = [Line("""{"id":$ID,"ok":true,"x":""" + new string('[', 5000) + new string(']', 5000) + "}")],
        ["truncated-json"] = [Line("""{"id":$ID,"ok":tr""")],
        ["trailing-garbage"] = [Line("""{"id":$ID,"ok":true} {}""")],
        ["empty-object"] = [Line("{}")],
        ["fatal-instead"] = [Line("""{"event":"fatal","message":"gave up"}""")],
        ["ready-instead"] = [Ready()],
        ["invalid-utf8-reply"] = [[.. "{\"id\":$ID,\"ok\":false,\"error\":\"io\",\"message\":\""u8, 0xc3, 0x28, .. "\"}\n"u8]],
    };

    /// <summary>Hostile answers to a read of the recovered log (harmless as an append's answer).</summary>
    public static IReadOnlyDictionary<string, byte[][]> ReadReplies { get; } = new Dictionary<string, byte[][]>
    {
        ["records-not-array"] = [Line("""{"id":$ID,"ok":true,"records":"x","next_lsn":2,"first_lsn":1,"last_lsn":1,"durable_lsn":1}""")],
        ["record-data-not-base64"] = [Line("""{"id":$ID,"ok":true,"records":[{"lsn":1,"data":"!!!"}],"next_lsn":2,"first_lsn":1,"last_lsn":1,"durable_lsn":1}""")],
        ["record-lsn-object"] = [Line("""{"id":$ID,"ok":true,"records":[{"lsn":{},"data":""}],"next_lsn":2,"first_lsn":1,"last_lsn":1,"durable_lsn":1}""")],
        ["record-not-object"] = [Line("""{"id":$ID,"ok":true,"records":[7],"next_lsn":2,"first_lsn":1,"last_lsn":1,"durable_lsn":1}""")],
        ["read-next-missing"] = [Line("""{"id":$ID,"ok":true,"records":[]}""")],
    };
}
