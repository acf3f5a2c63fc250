# audit-walk: walks AUDIT_ROOT once and prints a bounded summary of who owns what: one record per
# line on stdout, `vpaudit1 <JSON>` (the records: parse-audit-log.ts; the data: audit-summary.ts).
#
# It runs inside the Job `kubectl volsync-perms audit` writes, in the VolSync mover image:
# ubi9-minimal with bash, coreutils and perl (installed for rrsync) but no findutils, so it uses
# core Perl only, 5.32 (RHEL 9's). It reads only: the one write is the probe (AUDIT_PROBE=1), a
# file created in the root, stat'ed and removed again. Symlinks are never followed (lstat, and every
# directory entered is checked to be the one listed); a filesystem mounted inside the root is
# reported and not entered; a file with several hard links counts once. Denied subtrees are
# results: the exit code is 0 whenever the walk finished, 2 when the root cannot be walked at all.
# Environment: AUDIT_ROOT (default /volume), AUDIT_PROBE (1 = probe), PROGRESS_EVERY (default
# 100000: a `progress: entries=N` line on stderr every N entries listed), AUDIT_BUCKET_BUDGET (the
# memory bound below; the tests lower it), AUDIT_FOR_FIX (1: the tally walk of fix-ownership.sh,
# which reads every path in hex and the end record's `listed`, the entries listed with every name
# of a hard-linked file; never in an audit log).
use strict;
use warnings;
no warnings 'recursion';    # one level per directory level of the volume
use Errno ();
use Fcntl qw(O_CREAT O_EXCL O_WRONLY);
use POSIX ();

# Constants are subs with an empty prototype, which Perl inlines (what constant.pm makes; RHEL
# ships that module in a package of its own).

# the bounds of audit-summary.ts auditLimits
sub MAX_CLASSES () { 256 }
sub MAX_SPANS ()   { 16 }
sub MAX_DENIED ()  { 50 }
sub MAX_MOUNTS ()  { 50 }

# seconds: mtimes further apart than 5 minutes are different spans
sub SPAN_GAP () { 300 }

# mtimes are counted in buckets of BUCKET seconds, each with its exact first and last mtime; two
# mtimes of one bucket are never more than SPAN_GAP apart, so the spans come out the same as from
# one bucket per second or per minute, from up to 5 times fewer buckets than per minute
sub BUCKET () { 300 }

# Memory stays bounded on any volume: past a budget of buckets (AUDIT_BUCKET_BUDGET, default
# 500,000, some 50 MiB; the tests lower it), every class's buckets are merged into spans, at most
# KEPT_SPANS a class (the closest merged, as at the end). Exact unless a class has more than
# KEPT_SPANS spans at that point; only MAX_SPANS of them are printed anyway.
sub KEPT_SPANS () { 1024 }

# inodes below this are remembered in a bit string (32 MiB at most), higher ones in a hash
sub LINKED_BITS () { 268435456 }

# st_mode file types (Linux); Fcntl's S_IFMT is a function, too slow for every entry
sub IFMT ()  { 0170000 }
sub IFDIR () { 0040000 }
sub IFREG () { 0100000 }
sub IFLNK () { 0120000 }

# a class in the walk: files of one raw st_mode, uid and gid, counted in buckets (start of the
# bucket => bucket) and, once compacted, spans
sub C_MODE ()    { 0 }
sub C_UID ()     { 1 }
sub C_GID ()     { 2 }
sub C_SAMPLE ()  { 3 }
sub C_BUCKETS () { 4 }
sub C_SPANS ()   { 5 }

# a bucket and a span alike: [first mtime, last mtime, count, bytes]
sub S_FROM ()  { 0 }
sub S_TO ()    { 1 }
sub S_COUNT () { 2 }
sub S_BYTES () { 3 }

sub fail {
    print STDERR "error: audit: $_[0]\n";
    exit 2;
}

my $root  = $ENV{AUDIT_ROOT} // '/volume';
my $probe = $ENV{AUDIT_PROBE} // '';
my $every = $ENV{PROGRESS_EVERY} // 100000;
my $bucket_budget = $ENV{AUDIT_BUCKET_BUDGET} // 500000;
my $for_fix = $ENV{AUDIT_FOR_FIX} // '';
$every =~ /\A[1-9][0-9]{0,15}\z/ or fail("PROGRESS_EVERY must be a positive number, got '$every'");
$bucket_budget =~ /\A[1-9][0-9]{0,15}\z/
    or fail("AUDIT_BUCKET_BUDGET must be a positive number, got '$bucket_budget'");
$probe =~ /\A[01]?\z/            or fail("AUDIT_PROBE must be 1 or empty, got '$probe'");
$for_fix =~ /\A[01]?\z/          or fail("AUDIT_FOR_FIX must be 1 or empty, got '$for_fix'");
$root ne ''                      or fail('AUDIT_ROOT is empty');

my @root_st = lstat $root;
@root_st or fail("$root: $!; is the volume mounted there?");
-l _     and fail("$root is a symlink; mount the volume there, the audit does not follow links");
-d _     or fail("$root is not a directory; is the volume mounted there?");
my ($root_dev, $root_ino) = @root_st[0, 1];

# The root's path without symlinks, for /proc/self/mountinfo: where the kernel says the walk stood
# in it (no Cwd: another package on RHEL). An auditor that may not enter the root keeps its name.
my $real = do {
    my $here = readlink '/proc/self/cwd';
    my $p    = chdir($root) ? readlink '/proc/self/cwd' : undef;
    chdir(defined $here ? $here : '/');
    $p // ($root =~ m{^/} ? $root : ($here // '') . "/$root");
};
$real =~ s{(?<=.)/+\z}{};

binmode STDOUT;
binmode STDERR;

# --- JSON, by hand: RHEL ships Perl's core modules as separate packages, JSON::PP among them ---

my %esc = ('"' => '\\"', '\\' => '\\\\', map { (chr($_) => sprintf('\\u%04x', $_)) } 0 .. 31, 127);

# well-formed UTF-8 (no overlongs, surrogates or code points above U+10FFFF)
my $utf8 = qr/\A(?:[\x00-\x7f]|[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]
    |[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}
    |[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2})*\z/x;

sub jtext {
    (my $s = $_[0]) =~ s/([\x00-\x1f"\\\x7f])/$esc{$1}/g;
    return qq{"$s"};
}

# a path: "key":"text" when it is UTF-8, else "keyHex":"<its bytes in lowercase hex>"
sub jpath {
    my ($key, $p) = @_;
    return !$for_fix && $p =~ $utf8
        ? qq{"$key":} . jtext($p)
        : qq{"${key}Hex":"} . unpack('H*', $p) . '"';
}

# a message from the C library: text, any byte that is not UTF-8 replaced by ?
sub jmessage {
    my $m = $_[0];
    $m =~ s/[\x80-\xff]/?/g unless $m =~ $utf8;
    return jtext($m);
}

sub jnum { return defined $_[0] ? 0 + $_[0] : 'null' }

# "key":value,... from key => JSON value pairs
sub jfields {
    my @kv = @_;
    return join ',', map { qq{"$kv[2 * $_]":$kv[2 * $_ + 1]} } 0 .. $#kv / 2;
}

# one record: its type, then its fields as JSON text
sub record { print 'vpaudit1 {"t":"', $_[0], '"', (defined $_[1] ? ",$_[1]" : ''), "}\n" }

# --- errno names ---

my %errno_name;

sub errno_name {
    my $n = 0 + $_[0];
    unless (%errno_name) {
        no strict 'refs';
        # sorted: an alias (EWOULDBLOCK, EDEADLOCK, EOPNOTSUPP) loses to the common name
        for my $name (sort @Errno::EXPORT_OK) {
            my $v = eval { &{"Errno::$name"}() };
            $errno_name{$v} //= $name if defined $v;
        }
    }
    return $errno_name{$n} // "ERRNO_$n";    # one word: the probe child sends it on a line
}

# --- where the volume comes from: /proc/self/mountinfo ---

sub unescape_mount { (my $s = $_[0]) =~ s/\\([0-7]{3})/chr(oct $1)/ge; return $s }

# mount point => [fstype, source, options], the last (topmost) mount of a mount point winning
sub read_mounts {
    my %m;
    open(my $fh, '<', '/proc/self/mountinfo') or return \%m;
    while (my $line = <$fh>) {
        chomp $line;
        my ($pre, $post) = split / - /, $line, 2;
        next unless defined $post;
        my (undef, undef, undef, undef, $point, $opts) = split / /, $pre;
        my ($type, $source, $super) = split / /, $post;
        next unless defined $opts && defined $super;
        my %seen;
        my $all = join ',', grep { !$seen{$_}++ } split(/,/, $opts), split(/,/, $super);
        $m{ unescape_mount($point) } = [$type, unescape_mount($source), $all];
    }
    return \%m;
}
my $mounts = read_mounts();

sub filesystem_of {
    my ($path) = @_;
    my $best;
    for my $point (keys %$mounts) {
        next unless $point eq '/' || $path eq $point || index($path, "$point/") == 0;
        $best = $point if !defined $best || length $point > length $best;
    }
    return defined $best ? $mounts->{$best} : undef;
}

# --- who walks: /proc/self/status ---

my @cap_names = qw(CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID SETPCAP
    LINUX_IMMUTABLE NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK IPC_OWNER SYS_MODULE
    SYS_RAWIO SYS_CHROOT SYS_PTRACE SYS_PACCT SYS_ADMIN SYS_BOOT SYS_NICE SYS_RESOURCE SYS_TIME
    SYS_TTY_CONFIG MKNOD LEASE AUDIT_WRITE AUDIT_CONTROL SETFCAP MAC_OVERRIDE MAC_ADMIN SYSLOG
    WAKE_ALARM BLOCK_SUSPEND AUDIT_READ PERFMON BPF CHECKPOINT_RESTORE);    # bit 0 .. 40

sub effective_capabilities {
    open(my $fh, '<', '/proc/self/status') or return ();
    while (<$fh>) {
        next unless /^CapEff:\s*([0-9a-f]{1,16})$/i;
        my $hex = sprintf '%016s', $1;
        $hex =~ tr/ /0/;
        # two halves: hex() of more than 32 bits is non-portable
        my ($hi, $lo) = (hex(substr $hex, 0, 8), hex(substr $hex, 8));
        my @names;
        for my $bit (0 .. 63) {
            my $set = $bit < 32 ? ($lo >> $bit) & 1 : ($hi >> ($bit - 32)) & 1;
            push @names, $cap_names[$bit] // "CAP_$bit" if $set;
        }
        return @names;
    }
    return ();
}

# --- the walk ---

my %classes;    # "mode:uid:gid" => class
my ($linked_bits, %linked) = ('');    # inodes of files with several hard links, counted already
my (@denied, @nested);
my ($denied_omitted, $mounts_omitted) = (0, 0);
my $entries       = 0;
my $next_progress = $every;
my ($live, $budget) = (0, $bucket_budget);

sub deny {
    my ($rel, $errno, $message, $name) = @_;
    if (@denied >= MAX_DENIED) { $denied_omitted++; return }
    my @st = lstat $name;
    push @denied, [$rel, $errno, $message, @st ? ($st[4], $st[5], $st[2] & 07777) : (undef) x 3];
}

sub nest {
    my ($rel) = @_;
    if (@nested >= MAX_MOUNTS) { $mounts_omitted++; return }
    my $point = $real eq '/' ? "/$rel" : "$real/$rel";
    $mounts = read_mounts() unless $mounts->{$point};    # mounted since the walk began
    push @nested, [$rel, $mounts->{$point} ? $mounts->{$point}[0] : undef];
}

# Spans from intervals sorted by their first mtime: neighbours SPAN_GAP or less apart are one
# span; past $limit, the closest neighbours are merged. Merging two spans leaves every other gap
# as it was, so that keeps the $limit - 1 widest gaps; on a tie the earlier gap is merged first.
sub spans_of {
    my ($limit, @iv) = @_;
    my @spans;
    for my $iv (@iv) {
        if (@spans && $iv->[S_FROM] - $spans[-1][S_TO] <= SPAN_GAP) {
            my $s = $spans[-1];
            $s->[S_TO] = $iv->[S_TO] if $iv->[S_TO] > $s->[S_TO];
            $s->[S_COUNT] += $iv->[S_COUNT];
            $s->[S_BYTES] += $iv->[S_BYTES];
        }
        else {
            push @spans, $iv;    # the buckets are spent: reused, not copied
        }
    }
    return \@spans if @spans <= $limit;
    my @gap = map { $spans[$_ + 1][S_FROM] - $spans[$_][S_TO] } 0 .. $#spans - 1;
    my @widest = (sort { $gap[$b] <=> $gap[$a] || $b <=> $a } 0 .. $#gap)[0 .. $limit - 2];
    my %split = map { ($_ => 1) } @widest;
    my @merged = ($spans[0]);
    for my $i (1 .. $#spans) {
        if ($split{ $i - 1 }) { push @merged, $spans[$i]; next }
        my $m = $merged[-1];
        $m->[S_TO] = $spans[$i][S_TO];
        $m->[S_COUNT] += $spans[$i][S_COUNT];
        $m->[S_BYTES] += $spans[$i][S_BYTES];
    }
    return \@merged;
}

# the intervals of classes, sorted by first mtime: their spans so far and their buckets
sub intervals_of {
    my @iv;
    for my $c (@_) {
        my $buckets = $c->[C_BUCKETS];
        push @iv, @{ $c->[C_SPANS] }, map { $buckets->{$_} } sort { $a <=> $b } keys %$buckets;
    }
    # one class: distinct buckets never overlap, only its older spans need ordering
    return @_ == 1 && !@{ $_[0][C_SPANS] } ? @iv : sort { $a->[S_FROM] <=> $b->[S_FROM] } @iv;
}

sub compact {
    my $kept = 0;
    for my $c (values %classes) {
        $c->[C_SPANS] = spans_of(KEPT_SPANS, intervals_of($c));
        %{ $c->[C_BUCKETS] } = ();
        $kept += @{ $c->[C_SPANS] };
    }
    ($live, $budget) = (0, $kept > $bucket_budget ? 2 * $kept : $bucket_budget);
}

# the class buckets of the last entry: files of a directory mostly share them
my ($l_mode, $l_uid, $l_gid, $l_buckets) = (-1, -1, -1);

# Lists the current directory (handle $dh, path $rel from the root, '' for the root itself) and
# counts its entries, then enters its subdirectories one by one. A file with several hard links is
# counted once, for count and bytes alike, under the first of its names the walk meets.
sub walk {
    my ($dh, $rel) = @_;
    my $prefix = $rel eq '' ? '' : "$rel/";
    my (@subdirs, $unsearchable);
    while (defined(my $name = readdir $dh)) {
        next if $name eq '.' || $name eq '..';
        my ($dev, $ino, $mode, $nlink, $uid, $gid, undef, $size, undef, $mtime) = lstat $name;
        unless (defined $mode) {
            $unsearchable //= "$!" unless $!{ENOENT};    # ENOENT: removed since the listing
            next;
        }
        if (++$entries >= $next_progress) {
            print STDERR "progress: entries=$entries\n";
            $next_progress += $every;
        }
        if ($dev != $root_dev) { nest("$prefix$name"); next }
        if (($mode & IFMT) == IFDIR) {
            push @subdirs, $name, $ino;
        }
        elsif ($nlink > 1) {
            if ($ino < LINKED_BITS) {
                next if vec($linked_bits, $ino, 1);
                vec($linked_bits, $ino, 1) = 1;
            }
            elsif ($linked{$ino}++) {
                next;
            }
        }
        if ($mode != $l_mode || $uid != $l_uid || $gid != $l_gid) {
            my $c = $classes{"$mode:$uid:$gid"} //= [$mode, $uid, $gid, "$prefix$name", {}, []];
            $l_buckets = $c->[C_BUCKETS];
            ($l_mode, $l_uid, $l_gid) = ($mode, $uid, $gid);
        }
        my $start  = $mtime - $mtime % BUCKET;
        my $bucket = $l_buckets->{$start};
        unless ($bucket) {
            compact() if ++$live > $budget;
            $bucket = $l_buckets->{$start} = [$mtime, $mtime, 0, 0];
        }
        $bucket->[S_COUNT]++;
        $bucket->[S_BYTES] += $size;
        if    ($mtime < $bucket->[S_FROM]) { $bucket->[S_FROM] = $mtime }
        elsif ($mtime > $bucket->[S_TO])   { $bucket->[S_TO]   = $mtime }
    }
    deny($rel eq '' ? '.' : $rel, 'search', $unsearchable, '.') if defined $unsearchable;
    for (my $i = 0; $i < @subdirs; $i += 2) {
        enter($dh, $subdirs[$i], $subdirs[$i + 1], "$prefix$subdirs[$i]");
    }
}

# Enters the subdirectory $name (inode $ino) of the current directory (handle $parent; none for
# the root, $rel ''), walks it and comes back with fchdir: a directory swapped for a symlink or
# renamed meanwhile cannot lead the walk astray.
sub enter {
    my ($parent, $name, $ino, $rel) = @_;
    my $shown = $rel eq '' ? '.' : $rel;
    if (!chdir $name) {
        return if $!{ENOENT} || $!{ENOTDIR};    # gone or replaced since the listing
        my ($errno, $message) = (errno_name($!), "$!");
        # listed but not searchable (r without x): its entries cannot be stat'ed
        if (opendir(my $listing, $name)) {
            closedir $listing;
            deny($shown, 'search', $message, $name);
        }
        else {
            deny($shown, $errno, $message, $name);
        }
        return;
    }
    my ($dev, $now) = stat '.';
    if (defined $dev && $dev == $root_dev && $now == $ino) {
        if (opendir(my $dh, '.')) { walk($dh, $rel); closedir $dh }
        else                      { deny($shown, errno_name($!), "$!", '.') }
    }
    elsif (!$parent) {
        fail("$root changed while the audit started; run audit again");
    }
    if (!$parent) { chdir '/' }
    elsif (!chdir $parent) { fail("cannot return to the parent of $rel: $!") }
}

# --- the probe: can this credential create a file in the root, and whose is it then? ---

# Creates, stat's and removes a uniquely named file in the root; returns [created, uid, gid] or
# [0, errno]. $report is called with `opened` as soon as the file exists (the child tells the
# parent, which removes the file if the child dies before it could).
sub try_create {
    my ($path, $report) = @_;
    my $fh;
    unless (sysopen($fh, $path, O_WRONLY | O_CREAT | O_EXCL, 0600)) {
        return [0, errno_name($!)];
    }
    $report->('opened') if $report;
    my @st = lstat $path;
    my $stat_errno = @st ? undef : errno_name($!);
    close $fh;
    unlink $path or print STDERR "warning: audit: probe: cannot remove $path: $!\n";
    return defined $stat_errno ? [0, $stat_errno] : [1, $st[4], $st[5]];
}

my $probe_seq = 0;

sub probe_path {
    $probe_seq++;
    return sprintf '%s/.vpaudit-probe-%d-%d-%d-%d', $real, $$, time, int(rand 1e9), $probe_seq;
}

sub probe_as_self {
    my $path = probe_path();
    local $SIG{TERM} = local $SIG{INT} = sub { unlink $path; exit 143 };
    return try_create($path);
}

# in a child: drop to uid:gid (groups = gid only), try, report the result through a pipe
sub probe_as {
    my ($uid, $gid) = @_;
    my $path = probe_path();
    pipe(my $r, my $w) or return [0, errno_name($!)];
    my $pid = fork;
    return [0, errno_name($!)] unless defined $pid;
    if ($pid == 0) {
        # _exit, never exit: the parent's unwritten stdout must not be written twice
        eval {
            close $r;
            select((select($w), $| = 1)[0]);
            my $result;
            $! = 0;
            $) = "$gid $gid";    # setgroups(gid) and the effective gid; needs SETGID
            # setuid sets all four uids: no way back to root in the child
            if    ("$)" ne "$gid $gid")           { $result = [0, errno_name($! || Errno::EPERM())] }
            elsif (!defined POSIX::setgid($gid)) { $result = [0, errno_name($!)] }
            elsif (!defined POSIX::setuid($uid)) { $result = [0, errno_name($!)] }
            else { $result = try_create($path, sub { print $w "$_[0]\n" }) }
            print $w join(' ', 'result', @$result), "\n";
        };
        POSIX::_exit(0);
    }
    local $SIG{TERM} = local $SIG{INT} = sub {
        kill 'KILL', $pid;
        waitpid $pid, 0;
        unlink $path;
        exit 143;
    };
    close $w;
    my ($opened, $result) = (0, undef);
    while (my $line = <$r>) {
        chomp $line;
        $opened = 1 if $line eq 'opened';
        $result = [split / /, $line] if $line =~ s/^result //;
    }
    close $r;
    waitpid $pid, 0;
    # the child died between creating and removing the file: remove it here
    unlink $path if $opened && lstat $path;
    return $result // [0, 'EIO'];    # the child died without a word
}

# --- run ---

my $started = time;
record('start', jfields(version => 1, startedAt => $started));
record('root', jfields(uid => $root_st[4], gid => $root_st[5], perm => $root_st[2] & 07777));
{
    my $mount = filesystem_of($real) // [undef, undef, undef];
    my @fs    = map { defined $_ ? jtext($_) : 'null' } @$mount;
    record('filesystem', jfields(type => $fs[0], source => $fs[1], options => $fs[2]));
    my ($gid, @groups) = split ' ', $(;
    my %g;
    @groups = sort { $a <=> $b } grep { !$g{$_}++ } @groups;
    my @caps = map { jtext($_) } effective_capabilities();
    record('auditor', jfields(uid => $<, gid => $gid, groups => '[' . join(',', @groups) . ']',
        capabilities => '[' . join(',', @caps) . ']'));
}

# the root itself is a directory of its class
my $root_bucket = [@root_st[9, 9], 1, $root_st[7]];
$classes{"$root_st[2]:$root_st[4]:$root_st[5]"} =
    [@root_st[2, 4, 5], '.', { $root_st[9] - $root_st[9] % BUCKET() => $root_bucket }, []];
($live, $entries) = (1, 1);
enter(undef, $real, $root_ino, '');

sub type_of {
    my $t = $_[0] & IFMT;
    return $t == IFREG ? 'f' : $t == IFDIR ? 'd' : $t == IFLNK ? 'l' : 'o';
}

# The classes of the contract, by type letter: fifos, sockets and devices of one owner and mode
# are one class `o`. The biggest auditLimits.classes stay, the rest is folded (on a tie in count,
# the output order decides which stay).
my %groups;
for my $c (values %classes) {
    my ($type, $perm) = (type_of($c->[C_MODE]), $c->[C_MODE] & 07777);
    my $g = $groups{"$type:$c->[C_UID]:$c->[C_GID]:$perm"} //=
        { type => $type, uid => $c->[C_UID], gid => $c->[C_GID], perm => $perm, classes => [] };
    push @{ $g->{classes} }, $c;
}
%classes = ();
my ($total_count, $total_bytes) = (0, 0);
for my $g (values %groups) {
    $g->{spans} = spans_of(MAX_SPANS, intervals_of(@{ $g->{classes} }));
    ($g->{sample}) = sort map { $_->[C_SAMPLE] } @{ $g->{classes} };
    delete $g->{classes};
    my ($count, $bytes) = (0, 0);
    for my $s (@{ $g->{spans} }) { $count += $s->[S_COUNT]; $bytes += $s->[S_BYTES] }
    @$g{qw(count bytes)} = ($count, $bytes);
    $total_count += $count;
    $total_bytes += $bytes;
}
my $by_key = sub {
    $a->{uid} <=> $b->{uid}
        || $a->{gid} <=> $b->{gid}
        || $a->{type} cmp $b->{type}
        || $a->{perm} <=> $b->{perm};
};
my @kept   = sort { $b->{count} <=> $a->{count} || $by_key->() } values %groups;
my @folded = splice @kept, @kept > MAX_CLASSES ? MAX_CLASSES : scalar @kept;
for my $g (sort $by_key @kept) {
    my $spans = $g->{spans};
    my @spans = map {
        my ($from, $to, $count, $bytes) = @$_[S_FROM, S_TO, S_COUNT, S_BYTES];
        '{' . jfields(from => $from, to => $to, count => $count, bytes => jnum($bytes)) . '}'
    } @$spans;
    record('class', jfields(
        type  => jtext($g->{type}),
        uid   => $g->{uid},
        gid   => $g->{gid},
        perm  => $g->{perm},
        count => jnum($g->{count}),
        bytes => jnum($g->{bytes}),
        mtime => '{' . jfields(min => $spans->[0][S_FROM], max => $spans->[-1][S_TO]) . '}',
        spans => '[' . join(',', @spans) . ']',
    ) . ',' . jpath('sample', $g->{sample}));
}
if (@folded) {
    my ($count, $bytes) = (0, 0);
    for my $g (@folded) { $count += $g->{count}; $bytes += $g->{bytes} }
    record('folded', jfields(classes => scalar @folded, count => $count, bytes => jnum($bytes)));
}
for my $d (@denied) {
    my ($rel, $errno, $message, $uid, $gid, $perm) = @$d;
    record('denied', jpath('path', $rel) . ',' . jfields(
        errno   => jtext($errno),
        message => jmessage($message),
        uid     => jnum($uid),
        gid     => jnum($gid),
        perm    => jnum($perm),
    ));
}
for my $m (@nested) {
    my $fstype = defined $m->[1] ? jtext($m->[1]) : 'null';
    record('mount', jpath('path', $m->[0]) . ',' . jfields(fstype => $fstype));
}

if ($probe eq '1') {
    my ($uid, $gid) = ($>, (split ' ', $))[0]);
    my @attempts = ([$uid, $gid, probe_as_self()]);
    # then as the owner of the root, unless that is root or who already tried
    push @attempts, [@root_st[4, 5], probe_as(@root_st[4, 5])]
        if $root_st[4] != 0 && !($root_st[4] == $uid && $root_st[5] == $gid);
    for my $attempt (@attempts) {
        my ($u, $g, $r) = @$attempt;
        record('probe', jfields(uid => $u, gid => $g, $r->[0]
            ? (created => 'true', observedUid => $r->[1], observedGid => $r->[2])
            : (created => 'false', errno => jtext($r->[1]))));
    }
}

record('end', jfields(
    totals        => '{' . jfields(entries => $total_count, bytes => jnum($total_bytes)) . '}',
    deniedOmitted => $denied_omitted,
    mountsOmitted => $mounts_omitted,
    finishedAt    => time,
    $for_fix ? (listed => $entries) : (),
));
close STDOUT or fail("cannot write the summary: $!");
POSIX::_exit(0);    # skips freeing every bucket one by one
