/**
 * The regional endpoint host of an AWS service. The China regions form their own partition (`aws-cn`), whose
 * endpoints end in `amazonaws.com.cn`; every other region we accept (commercial, GovCloud) uses `amazonaws.com`.
 */
export function awsHost(service: string, region: string): string {
  return `${service}.${region}.${region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}`;
}
