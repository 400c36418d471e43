using System.Text;
using System.Text.RegularExpressions;
using Bot.App.Data;
using Bot.App.Identity;
using Microsoft.EntityFrameworkCore;

namespace Bot.App.Org;

/// <summary>One problem of an import: sheet row (the header is row 1), column and what is wrong, in Chinese.</summary>
public sealed record ImportProblem(int Row, string Column, string Message);

public sealed record ImportProgress(string Phase, int Done, int Total);

public sealed record ImportReport(bool Applied, int Rows, int Created, int Updated, int UnitsCreated, IReadOnlyList<ImportProblem> Problems)
{
    public static ImportReport Failed(params ImportProblem[] problems) => new(false, 0, 0, 0, 0, problems);

    public string Summary => Applied
        ? $"名单导入成功：共 {Rows} 行，新增 {Created} 人，更新 {Updated} 人，新建单位 {UnitsCreated} 个。"
        : $"名单未导入（任何一行都没有写入）：发现 {Problems.Count} 个问题，请修改后重新导入。";

    /// <summary>The summary and the first problems, one a line: "第 3 行［邮箱］：…".</summary>
    public string ToText(int maxProblems = 30)
    {
        var text = new StringBuilder(Summary);
        foreach (var p in Problems.Take(maxProblems))
            text.Append('\n').Append(p.Row > 0 ? $"第 {p.Row} 行" : "文件").Append($"［{p.Column}］：{p.Message}");
        if (Problems.Count > maxProblems)
            text.Append($"\n……另有 {Problems.Count - maxProblems} 个问题未列出。");
        return text.ToString();
    }
}

/// <summary>
/// Validates a whole directory file first and writes it in one transaction only when every row is valid.
/// People are matched by a stable key (邮箱, else Entra对象ID, else 企业微信账号, else 手机); people absent from the
/// file are left unchanged. A scoped admin (<paramref name="scopePath"/> in <see cref="ImportAsync"/>) may only
/// touch units and people inside that subtree.
/// </summary>
public sealed partial class DirectoryImporter(BotDbContext db, AuditLog audit, ILogger<DirectoryImporter> logger)
{
    private const string Name = "姓名", Title = "职务", Unit = "单位", RolesColumn = "角色", Charges = "分管单位",
        Supervisor = "上级领导", Aad = "Entra对象ID", Email = "邮箱", Mobile = "手机", WeCom = "企业微信账号", Scope = "管理范围";

    private static readonly string[] Required = [Name, Unit];

    private sealed class Row
    {
        public int Number;
        public string Name = "";
        public string? Title;
        public string UnitPath = "";
        public Roles Roles = Roles.Member;
        public List<string>? ChargePaths;
        public string? SupervisorRef;
        public string? AadObjectId, Email, Mobile, WeComUserId;
        public string? ScopePath;
        public bool HasScopeColumn;
        public Person? Existing;
        public Person? Target;
    }

    public async Task<ImportReport> ImportAsync(byte[] content, string? charset, string actor, string? scopePath,
        IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        DirectoryTable table;
        try
        {
            table = DirectoryFile.Read(content, charset);
        }
        catch (FormatException ex)
        {
            return await RejectAsync(actor, ImportReport.Failed(new ImportProblem(0, "文件", ex.Message)), ct);
        }
        return await ImportAsync(table, actor, scopePath, progress, ct);
    }

    public async Task<ImportReport> ImportAsync(DirectoryTable table, string actor, string? scopePath,
        IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        var problems = new List<ImportProblem>();
        var columns = MapHeader(table.Header, problems);
        if (problems.Count > 0)
            return await RejectAsync(actor, ImportReport.Failed([.. problems]), ct);
        if (table.Rows.Count == 0)
            return await RejectAsync(actor, ImportReport.Failed(new ImportProblem(0, "文件", "文件中没有数据行（第 1 行应为表头，从第 2 行起每行一人）。")), ct);

        var units = await db.Set<OrgUnit>().ToDictionaryAsync(u => u.Path, StringComparer.Ordinal, ct);
        var people = await db.Set<Person>().ToListAsync(ct);
        var rows = new List<Row>(table.Rows.Count);
        foreach (var (number, cells) in table.Rows)
        {
            rows.Add(ParseRow(number, cells, columns, problems));
            if (rows.Count % 100 == 0)
                progress?.Report(new ImportProgress("校验", rows.Count, table.Rows.Count));
        }
        progress?.Report(new ImportProgress("校验", rows.Count, table.Rows.Count));

        CheckDuplicateKeys(rows, problems);
        MatchExisting(rows, people, problems);
        if (scopePath is not null)
            CheckScope(rows, scopePath, units, problems);
        var supervisors = ResolveSupervisors(rows, people, columns.ContainsKey(Supervisor), problems);
        CheckSupervisorCycles(rows, people, supervisors, columns.ContainsKey(Supervisor), problems);

        if (problems.Count > 0)
        {
            var ordered = problems.OrderBy(p => p.Row).ThenBy(p => Array.IndexOf(DirectoryFile.Columns, p.Column)).ToArray();
            return await RejectAsync(actor, new ImportReport(false, rows.Count, 0, 0, 0, ordered), ct);
        }
        return await ApplyAsync(rows, units, supervisors, columns, actor, progress, ct);
    }

    private async Task<ImportReport> ApplyAsync(List<Row> rows, Dictionary<string, OrgUnit> units, Dictionary<Row, object?> supervisors,
        Dictionary<string, int> columns, string actor, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var unitsBefore = units.Count;
        int created = 0, updated = 0;
        foreach (var row in rows)
        {
            var person = row.Existing ?? new Person { Name = row.Name };
            if (row.Existing is null)
            {
                db.Add(person);
                created++;
            }
            else
                updated++;
            person.Name = row.Name;
            person.Title = row.Title;
            person.Unit = EnsureUnit(row.UnitPath, units);
            person.Roles = row.Roles;
            // Blank contact cells keep what is known: a key learnt when linking a chat account must survive a re-import.
            person.AadObjectId = row.AadObjectId ?? person.AadObjectId;
            person.Email = row.Email ?? person.Email;
            person.Mobile = row.Mobile ?? person.Mobile;
            person.WeComUserId = row.WeComUserId ?? person.WeComUserId;
            row.Target = person;
            foreach (var path in row.ChargePaths ?? [])
                EnsureUnit(path, units);
            if (row.ScopePath is { } scope)
                EnsureUnit(scope, units);
        }
        progress?.Report(new ImportProgress("写入", rows.Count / 2, rows.Count));
        await db.SaveChangesAsync(ct);

        var inFile = rows.Select(r => r.Target!.Id).ToHashSet();
        if (columns.ContainsKey(Charges))
            await db.Set<UnitCharge>().Where(c => inFile.Contains(c.PersonId)).ExecuteDeleteAsync(ct);
        foreach (var row in rows)
        {
            var person = row.Target!;
            if (columns.ContainsKey(Supervisor))
                person.SupervisorId = supervisors.GetValueOrDefault(row) switch
                {
                    Row r => r.Target!.Id,
                    Person p => p.Id,
                    _ => null,
                };
            if (row.HasScopeColumn)
                person.AdminScopeUnitId = row.ScopePath is { } scope ? units[scope].Id : null;
            foreach (var path in (row.ChargePaths ?? []).Distinct())
                db.Add(new UnitCharge { PersonId = person.Id, UnitId = units[path].Id });
        }
        var report = new ImportReport(true, rows.Count, created, updated, units.Count - unitsBefore, []);
        audit.Add(actor, "directory.import", $"{rows.Count} 行", report.Summary);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        progress?.Report(new ImportProgress("写入", rows.Count, rows.Count));
        LogImported(logger, actor, rows.Count, created, updated);
        return report;
    }

    private async Task<ImportReport> RejectAsync(string actor, ImportReport report, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        await audit.WriteAsync(actor, "directory.import.rejected", $"{report.Rows} 行", $"{report.Problems.Count} 个问题", ct);
        LogRejected(logger, actor, report.Rows, report.Problems.Count);
        return report;
    }

    /// <summary>Creates the unit and any missing ancestors (in memory; saved with the people).</summary>
    private OrgUnit EnsureUnit(string path, Dictionary<string, OrgUnit> units)
    {
        if (units.TryGetValue(path, out var unit))
            return unit;
        var cut = path.LastIndexOf('/');
        var parent = cut < 0 ? null : EnsureUnit(path[..cut], units);
        unit = new OrgUnit { Name = path[(cut + 1)..], Path = path, Parent = parent };
        db.Add(unit);
        units[path] = unit;
        return unit;
    }

    private static Dictionary<string, int> MapHeader(IReadOnlyList<string> header, List<ImportProblem> problems)
    {
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Count; i++)
        {
            var name = header[i].Trim();
            if (name.Length == 0)
                continue;
            var known = DirectoryFile.Columns.FirstOrDefault(c => c.Equals(name, StringComparison.OrdinalIgnoreCase));
            if (known is null)
                problems.Add(new ImportProblem(1, name, $"无法识别的列名。可用的列：{string.Join("、", DirectoryFile.Columns)}。"));
            else if (!columns.TryAdd(known, i))
                problems.Add(new ImportProblem(1, known, "列名重复。"));
        }
        foreach (var column in Required.Where(c => !columns.ContainsKey(c)))
            problems.Add(new ImportProblem(1, column, "缺少必填列（第 1 行必须是表头，可下载模板参考）。"));
        return columns;
    }

    private static Row ParseRow(int number, string[] cells, Dictionary<string, int> columns, List<ImportProblem> problems)
    {
        string? Cell(string column) =>
            columns.TryGetValue(column, out var i) && i < cells.Length && cells[i].Trim() is { Length: > 0 } v ? v : null;
        void Problem(string column, string message) => problems.Add(new ImportProblem(number, column, message));

        var row = new Row { Number = number, HasScopeColumn = columns.ContainsKey(Scope) };
        row.Name = Cell(Name) ?? "";
        if (row.Name.Length == 0)
            Problem(Name, "姓名不能为空。");
        else if (row.Name.Length > 64)
            Problem(Name, "姓名过长（最多 64 个字）。");
        row.Title = Cell(Title);
        if (row.Title?.Length > 128)
            Problem(Title, "职务过长（最多 128 个字）。");

        row.UnitPath = UnitPath(Cell(Unit), Unit, Problem) ?? "";
        if (Cell(Unit) is null)
            Problem(Unit, "单位不能为空，请填写单位路径，例如“县委组织部/干部科”。");

        if (Cell(RolesColumn) is { } roleText)
        {
            row.Roles = Roles.None;
            foreach (var token in ListSeparators().Split(roleText).Where(t => t.Length > 0))
            {
                Roles? role = token switch
                {
                    "管理员" or "admin" => Roles.Admin,
                    "领导" or "leader" => Roles.Leader,
                    "成员" or "member" => Roles.Member,
                    _ => null,
                };
                if (role is { } r)
                    row.Roles |= r;
                else
                    Problem(RolesColumn, $"无法识别的角色“{token}”，只能填写 管理员、领导、成员（可多个，用“、”分隔）。");
            }
        }

        if (Cell(Charges) is { } chargeText)
            row.ChargePaths = PathSeparators().Split(chargeText).Where(t => t.Trim().Length > 0)
                .Select(t => UnitPath(t, Charges, Problem)).OfType<string>().ToList();
        else if (columns.ContainsKey(Charges))
            row.ChargePaths = [];
        if (row.ChargePaths is { Count: > 0 } && (row.Roles & Roles.Leader) == 0)
            Problem(Charges, "填写了分管单位，但角色中没有“领导”。");

        row.SupervisorRef = Cell(Supervisor);

        if (Cell(Aad) is { } aad)
        {
            if (Guid.TryParse(aad, out var guid))
                row.AadObjectId = guid.ToString("D");
            else
                Problem(Aad, $"“{aad}”不是有效的 Entra 对象 ID（应为 GUID，例如 00000000-0000-0000-0000-000000000000）。");
        }
        if (Cell(Email) is { } email)
        {
            if (EmailPattern().IsMatch(email))
                row.Email = email.ToLowerInvariant();
            else
                Problem(Email, $"“{email}”不是有效的邮箱地址。");
        }
        if (Cell(Mobile) is { } mobile)
        {
            var digits = MobileNoise().Replace(mobile, "");
            if (MobilePattern().IsMatch(digits))
                row.Mobile = digits;
            else
                Problem(Mobile, $"“{mobile}”不是有效的手机号。");
        }
        if (Cell(WeCom) is { } wecom)
        {
            if (wecom.Length <= 64 && !wecom.Any(char.IsWhiteSpace))
                row.WeComUserId = wecom;
            else
                Problem(WeCom, $"“{wecom}”不是有效的企业微信账号（不能含空格，最多 64 个字符）。");
        }
        if (row.Email is null && row.AadObjectId is null && row.WeComUserId is null && row.Mobile is null)
            Problem(Email, "邮箱、Entra对象ID、企业微信账号、手机至少填写一项，用于识别此人。");

        row.ScopePath = Cell(Scope) is { } scope ? UnitPath(scope, Scope, Problem) : null;
        if (row.ScopePath is not null && (row.Roles & Roles.Admin) == 0)
            Problem(Scope, "填写了管理范围，但角色中没有“管理员”。");
        return row;
    }

    private static string? UnitPath(string? text, string column, Action<string, string> problem)
    {
        if (text is null)
            return null;
        var path = OrgQueries.NormalizePath(text);
        if (path.Length == 0)
        {
            problem(column, $"“{text}”不是有效的单位路径。");
            return null;
        }
        if (path.Length > 512 || path.Split('/').Any(s => s.Length > 128))
        {
            problem(column, "单位路径过长。");
            return null;
        }
        return path;
    }

    private static void CheckDuplicateKeys(List<Row> rows, List<ImportProblem> problems)
    {
        foreach (var (column, key) in KeyColumns)
        {
            var first = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            foreach (var row in rows)
            {
                if (key(row) is not { } value)
                    continue;
                if (!first.TryAdd(value, row.Number))
                    problems.Add(new ImportProblem(row.Number, column, $"“{value}”与第 {first[value]} 行重复。"));
            }
        }
    }

    private static readonly (string Column, Func<Row, string?> Key)[] KeyColumns =
        [(Email, r => r.Email), (Aad, r => r.AadObjectId), (WeCom, r => r.WeComUserId), (Mobile, r => r.Mobile)];

    private static readonly Func<Person, string?>[] PersonKeys = [p => p.Email, p => p.AadObjectId, p => p.WeComUserId, p => p.Mobile];

    /// <summary>Finds each row's existing person by the first key the row has, and refuses keys that belong to someone else.</summary>
    private static void MatchExisting(List<Row> rows, List<Person> people, List<ImportProblem> problems)
    {
        var index = PersonKeys.Select(key => people.Where(p => key(p) is not null)
            .GroupBy(p => key(p)!, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase)).ToArray();
        var claimed = new Dictionary<Person, int>();
        foreach (var row in rows)
        {
            for (var k = 0; k < KeyColumns.Length && row.Existing is null; k++)
                if (KeyColumns[k].Key(row) is { } value && index[k].TryGetValue(value, out var match))
                    row.Existing = match;
            if (row.Existing is { } existing && !claimed.TryAdd(existing, row.Number))
                problems.Add(new ImportProblem(row.Number, Name, $"与第 {claimed[existing]} 行对应名单中的同一人（{existing.Name}），请合并为一行。"));
        }
        for (var k = 0; k < KeyColumns.Length; k++)
        {
            foreach (var row in rows)
            {
                if (KeyColumns[k].Key(row) is not { } value || !index[k].TryGetValue(value, out var holder) || holder == row.Existing)
                    continue;
                // Moving a key between two people in the same file is fine; taking the key of someone not re-imported is not.
                if (!claimed.ContainsKey(holder))
                    problems.Add(new ImportProblem(row.Number, KeyColumns[k].Column, $"“{value}”已属于名单中的{holder.Name}。"));
            }
        }
    }

    private static void CheckScope(List<Row> rows, string scopePath, Dictionary<string, OrgUnit> units, List<ImportProblem> problems)
    {
        var pathById = units.Values.ToDictionary(u => u.Id, u => u.Path);
        var outside = $"超出您的管理范围（{scopePath}）。";
        foreach (var row in rows)
        {
            if (row.UnitPath.Length > 0 && !OrgQueries.IsInSubtree(row.UnitPath, scopePath))
                problems.Add(new ImportProblem(row.Number, Unit, outside));
            foreach (var path in row.ChargePaths ?? [])
                if (!OrgQueries.IsInSubtree(path, scopePath))
                    problems.Add(new ImportProblem(row.Number, Charges, $"“{path}”{outside}"));
            if (row.Existing is { } existing && (existing.UnitId is not { } id || !OrgQueries.IsInSubtree(pathById.GetValueOrDefault(id, ""), scopePath)))
                problems.Add(new ImportProblem(row.Number, Name, $"{existing.Name}目前不在您的管理范围内，不能修改。"));
            if ((row.Roles & Roles.Admin) != 0)
            {
                if (row.ScopePath is null)
                    problems.Add(new ImportProblem(row.Number, Scope, "您只能设置本范围内的管理员：请填写管理范围。"));
                else if (!OrgQueries.IsInSubtree(row.ScopePath, scopePath))
                    problems.Add(new ImportProblem(row.Number, Scope, outside));
            }
        }
    }

    /// <summary>Row → the supervisor's row (a person of this file) or existing person; by 邮箱, or by 姓名 when unique.</summary>
    private static Dictionary<Row, object?> ResolveSupervisors(List<Row> rows, List<Person> people, bool hasColumn, List<ImportProblem> problems)
    {
        var result = new Dictionary<Row, object?>();
        if (!hasColumn)
            return result;
        var reimported = rows.Select(r => r.Existing).OfType<Person>().ToHashSet();
        var others = people.Where(p => !reimported.Contains(p)).ToList();
        foreach (var row in rows)
        {
            if (row.SupervisorRef is not { } reference)
                continue;
            List<object> candidates = reference.Contains('@')
                ? [.. rows.Where(r => string.Equals(r.Email, reference, StringComparison.OrdinalIgnoreCase)),
                   .. others.Where(p => string.Equals(p.Email, reference, StringComparison.OrdinalIgnoreCase))]
                : [.. rows.Where(r => r.Name == reference), .. others.Where(p => p.Name == reference)];
            if (candidates.Count == 0)
                problems.Add(new ImportProblem(row.Number, Supervisor, $"找不到上级领导“{reference}”（请填写其邮箱，且此人须在本文件或已有名单中）。"));
            else if (candidates.Count > 1)
                problems.Add(new ImportProblem(row.Number, Supervisor, $"名单中有 {candidates.Count} 人名为“{reference}”，请改填上级领导的邮箱。"));
            else if (candidates[0] == row || candidates[0] == row.Existing)
                problems.Add(new ImportProblem(row.Number, Supervisor, "上级领导不能是本人。"));
            else
                result[row] = candidates[0];
        }
        return result;
    }

    /// <summary>Escalation walks up the supervisor chain, so the chain after the import must not loop.</summary>
    private static void CheckSupervisorCycles(List<Row> rows, List<Person> people, Dictionary<Row, object?> supervisors, bool hasColumn,
        List<ImportProblem> problems)
    {
        var rowOf = rows.Where(r => r.Existing is not null).ToDictionary(r => r.Existing!);
        var byId = people.ToDictionary(p => p.Id);
        object? Up(object node) => node switch
        {
            Row r when hasColumn => supervisors.GetValueOrDefault(r) is Person p && rowOf.TryGetValue(p, out var pr) ? pr : supervisors.GetValueOrDefault(r),
            Row r => r.Existing?.SupervisorId is { } id && byId.TryGetValue(id, out var s) ? (rowOf.TryGetValue(s, out var sr) ? sr : s) : null,
            Person p => p.SupervisorId is { } id && byId.TryGetValue(id, out var s) ? (rowOf.TryGetValue(s, out var sr) ? sr : s) : null,
            _ => null,
        };
        foreach (var row in rows)
        {
            var seen = new HashSet<object>();
            for (var node = Up(row); node is not null && seen.Add(node); node = Up(node))
            {
                if (node != row)
                    continue;
                problems.Add(new ImportProblem(row.Number, Supervisor, "上级领导关系形成了循环（例如甲的上级是乙、乙的上级又是甲）。"));
                break;
            }
        }
    }

    [GeneratedRegex(@"[、,，;；/\s]+")]
    private static partial Regex ListSeparators();

    [GeneratedRegex(@"[、,，;；\r\n]+")]
    private static partial Regex PathSeparators();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"[\s\-()（）]")]
    private static partial Regex MobileNoise();

    [GeneratedRegex(@"^\+?\d{5,20}$")]
    private static partial Regex MobilePattern();

    [LoggerMessage(Level = LogLevel.Information, Message = "Directory import by {Actor}: {Rows} rows, {Created} created, {Updated} updated")]
    private static partial void LogImported(ILogger logger, string actor, int rows, int created, int updated);

    [LoggerMessage(Level = LogLevel.Information, Message = "Directory import by {Actor} rejected: {Rows} rows, {Problems} problems")]
    private static partial void LogRejected(ILogger logger, string actor, int rows, int problems);
}
