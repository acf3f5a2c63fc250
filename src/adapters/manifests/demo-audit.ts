import type { RecordedAudit } from '../../core/storage/storage-facts.js';
import { parseAuditLog } from '../../core/storage/parse-audit-log.js';

/**
 * The audit of the incident's repository the morning after (DESIGN.md §1): the real walker's log
 * on a sandbox copy of it, recorded by scripts/record-demo-audit.mjs (the times and the nfs4
 * filesystem record are the story's; everything else is what the script printed).
 */
export const demoAuditLog = `vpaudit1 {"t":"start","version":1,"startedAt":1796029200}
vpaudit1 {"t":"root","uid":1000,"gid":1000,"perm":493}
vpaudit1 {"t":"filesystem","type":"nfs4","source":"nas.home.arpa:/volsync/kopia","options":"rw,relatime,vers=4.2,rsize=1048576,wsize=1048576,hard,proto=tcp,sec=sys"}
vpaudit1 {"t":"auditor","uid":0,"gid":0,"groups":[0],"capabilities":["DAC_OVERRIDE"]}
vpaudit1 {"t":"class","type":"d","uid":0,"gid":1000,"perm":448,"count":12,"bytes":245760,"mtime":{"min":1795996825,"max":1795996847},"spans":[{"from":1795996825,"to":1795996847,"count":12,"bytes":245760}],"sample":"p/na"}
vpaudit1 {"t":"class","type":"f","uid":0,"gid":1000,"perm":384,"count":3214,"bytes":42665247,"mtime":{"min":1795996825,"max":1795996858},"spans":[{"from":1795996825,"to":1795996858,"count":3214,"bytes":42665247}],"sample":"p/na/cf41a66594b295f5fe2b8dab43e5d7dd.f"}
vpaudit1 {"t":"class","type":"d","uid":1000,"gid":1000,"perm":448,"count":26,"bytes":720896,"mtime":{"min":1793491200,"max":1793491200},"spans":[{"from":1793491200,"to":1793491200,"count":26,"bytes":720896}],"sample":"q"}
vpaudit1 {"t":"class","type":"d","uid":1000,"gid":1000,"perm":493,"count":1,"bytes":4096,"mtime":{"min":1793491200,"max":1793491200},"spans":[{"from":1793491200,"to":1793491200,"count":1,"bytes":4096}],"sample":"."}
vpaudit1 {"t":"class","type":"f","uid":1000,"gid":1000,"perm":384,"count":9401,"bytes":1502697289,"mtime":{"min":1793491200,"max":1795993200},"spans":[{"from":1793491200,"to":1794700859,"count":4851,"bytes":778919175},{"from":1794783600,"to":1794787259,"count":324,"bytes":52654055},{"from":1794870000,"to":1794873659,"count":324,"bytes":52498469},{"from":1794956400,"to":1794960059,"count":324,"bytes":50843721},{"from":1795042800,"to":1795046459,"count":324,"bytes":50682347},{"from":1795129200,"to":1795132859,"count":324,"bytes":51973554},{"from":1795215600,"to":1795219259,"count":324,"bytes":50255979},{"from":1795302000,"to":1795305659,"count":324,"bytes":50030425},{"from":1795388400,"to":1795392059,"count":324,"bytes":51189640},{"from":1795474800,"to":1795478459,"count":324,"bytes":52082078},{"from":1795561200,"to":1795564859,"count":324,"bytes":51504333},{"from":1795647600,"to":1795651259,"count":324,"bytes":52989266},{"from":1795734000,"to":1795737659,"count":324,"bytes":51032518},{"from":1795820400,"to":1795824059,"count":324,"bytes":53597698},{"from":1795906800,"to":1795910459,"count":324,"bytes":52318528},{"from":1795993200,"to":1795993200,"count":14,"bytes":125503}],"sample":"kopia.repository.f"}
vpaudit1 {"t":"end","totals":{"entries":12654,"bytes":1546333288},"deniedOmitted":0,"mountsOmitted":0,"finishedAt":1796029203}
`;

export const demoAudits = (): RecordedAudit[] => [
  {
    key: 'NFS nas.home.arpa:/volsync/kopia',
    target: 'repository volume of ReplicationSource default/bookstack',
    summary: parseAuditLog(demoAuditLog, 'the demo audit'),
    source: 'the demo: audit rs/bookstack --volume repository, the morning after',
  },
];
