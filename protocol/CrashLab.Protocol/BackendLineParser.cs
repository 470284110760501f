using System.Text.Json;

namespace CrashLab.Protocol;

/// <summary>One line a backend wrote: a start event, or a reply whose body is read once its request is known.</summary>
public abstract record BackendLine
{
    public sealed record Ready(ReadyEvent Event) : BackendLine;

    public sealed record Fatal(FatalEvent Event) : BackendLine;

    public sealed record Answer(long Id, JsonElement Body) : BackendLine;
}

/// <summary>
/// The strict reader of what a backend writes. Every way a line can be wrong (not JSON, not an
/// object, trailing bytes, too deep, a missing or mistyped field, a number out of range, an
/// unknown event or error code) is a <see cref="ProtocolException"/> naming the field.
/// </summary>
public static class BackendLineParser
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = ProtocolLimits.MaxDepth };

    public static BackendLine Parse(ReadOnlyMemory<byte> line)
    {
        using var document = ParseDocument(line);
        var parsed = Parse(line, document.RootElement);
        return parsed is BackendLine.Answer answer ? answer with { Body = answer.Body.Clone() } : parsed;
    }

    /// <summary>
    /// The line parsed in place: an answer's body reads <paramref name="line"/>'s memory and
    /// <paramref name="document"/>, so it must be read (<see cref="ParseReply"/>) before either is
    /// released. A reply page of about 1.4 MB is then parsed without the copy of it that
    /// <see cref="JsonElement.Clone"/> makes (a large-object allocation per page).
    /// </summary>
    public static BackendLine ParseInPlace(ReadOnlyMemory<byte> line, out IDisposable document)
    {
        var parsed = ParseDocument(line);
        try
        {
            var result = Parse(line, parsed.RootElement);
            document = parsed;
            return result;
        }
        catch
        {
            parsed.Dispose();
            throw;
        }
    }

    private static JsonDocument ParseDocument(ReadOnlyMemory<byte> line)
    {
        try
        {
            return JsonDocument.Parse(line, Options);
        }
        catch (JsonException)
        {
            throw new ProtocolException($"stdout carried a line that is not JSON (or nested deeper than {ProtocolLimits.MaxDepth}): {WireText.Clip(line.Span, 120)}");
        }
    }

    private static BackendLine Parse(ReadOnlyMemory<byte> line, JsonElement message)
    {
        if (message.ValueKind != JsonValueKind.Object)
            throw new ProtocolException($"stdout carried a JSON value that is not an object: {WireText.Clip(line.Span, 120)}");
        if (message.TryGetProperty(Field.Event, out var kind))
        {
            if (kind.ValueKind == JsonValueKind.String && kind.ValueEquals(EventName.Ready))
                return new BackendLine.Ready(ParseReady(message));
            if (kind.ValueKind == JsonValueKind.String && kind.ValueEquals(EventName.Fatal))
                return new BackendLine.Fatal(new FatalEvent(JsonFields.OptionalString(message, Field.Message, "the fatal event", 1000) ?? ""));
            throw new ProtocolException($"unknown event {WireText.Clip(kind, 60)}: {WireText.Clip(line.Span, 120)}");
        }

        if (!message.TryGetProperty(Field.Id, out var id) || id.ValueKind != JsonValueKind.Number || !id.TryGetInt64(out var number))
            throw new ProtocolException($"a reply without an integer \"{Field.Id}\": {WireText.Clip(line.Span, 120)}");
        return new BackendLine.Answer(number, message);
    }

    public static ReadyEvent ParseReady(JsonElement e)
    {
        const string What = "the ready event";
        var protocol = JsonFields.Long(e, Field.Protocol, What);
        if (protocol != ProtocolLimits.Version)
            throw new ProtocolException($"the ready event speaks protocol {protocol}, not {ProtocolLimits.Version}");
        long? lsn = null;
        string? detail = null;
        if (e.TryGetProperty(Field.Corruption, out var c) && c.ValueKind != JsonValueKind.Null)
        {
            const string Corruption = "the ready event's \"corruption\"";
            JsonFields.Object(c, Corruption);
            lsn = JsonFields.Long(c, Field.Lsn, Corruption);
            detail = JsonFields.OptionalString(c, Field.Detail, Corruption);
        }

        var first = JsonFields.Long(e, Field.FirstLsn, What);
        var next = JsonFields.Long(e, Field.NextLsn, What);
        if (first < 1 || next < first)
            throw new ProtocolException($"the ready event has {Field.FirstLsn} {first} and {Field.NextLsn} {next}");
        return new ReadyEvent(first, next, lsn, detail, JsonFields.OptionalString(e, Field.Backend, What, 120) ?? "");
    }

    /// <summary>The body of a reply to <paramref name="sent"/>, typed: every field its op requires, of the right type.</summary>
    public static Reply ParseReply(long id, JsonElement e, Request sent)
    {
        var what = $"reply {id} ({sent.Op})";
        if (!e.TryGetProperty(Field.Ok, out _))
            throw new ProtocolException($"{what} lacks \"{Field.Ok}\": {WireText.Clip(e)}");
        if (!JsonFields.Bool(e, Field.Ok, what))
        {
            var code = JsonFields.OptionalString(e, Field.Error, what, 40);
            if (code == null || !ErrorCode.All.Contains(code))
                throw new ProtocolException($"{what} has unknown error code \"{code}\" (known: {string.Join(", ", ErrorCode.All)})");
            var message = e.TryGetProperty(Field.Message, out var m) && m.ValueKind == JsonValueKind.String ? JsonFields.String(e, Field.Message, what) : null;
            return new ErrorReply(code, message) { Id = id };
        }

        Reply reply = sent switch
        {
            AppendRequest append => new AppendReply(JsonFields.Long(e, Field.FirstLsn, what), JsonFields.Long(e, Field.LastLsn, what),
                append.Sync ? JsonFields.Long(e, Field.DurableLsn, what) : JsonFields.OptionalLong(e, Field.DurableLsn, what)),
            SyncRequest => new SyncReply(JsonFields.Long(e, Field.DurableLsn, what)),
            TruncateRequest => new TruncateReply(JsonFields.Long(e, Field.FirstLsn, what)),
            ReadRequest => ParseRead(e, what),
            StatRequest => new StatReply(JsonFields.Long(e, Field.FirstLsn, what), JsonFields.Long(e, Field.NextLsn, what), JsonFields.Long(e, Field.DurableLsn, what)),
            _ => new ShutdownReply(),
        };
        return reply with { Id = id };
    }

    private static ReadReply ParseRead(JsonElement e, string what)
    {
        var record = $"a record of {what}";
        var records = JsonFields.Array(e, Field.Records, what).EnumerateArray()
            .Select(r => new ReadRecord(JsonFields.Long(r, Field.Lsn, record), JsonFields.Base64(r, Field.Data, record)))
            .ToList();
        return new ReadReply(records, JsonFields.Long(e, Field.NextLsn, what));
    }
}
